package com.apisentinel.http;

import com.apisentinel.body.BodyFields;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.Principal;
import com.apisentinel.bus.SessionCommands;
import com.apisentinel.bus.TokenPair;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Login, refresh-token rotation and logout. */
final class SessionRoutes {

  static final String LOGIN_PATH = "/api/v1/customers/login";
  static final String REFRESH_PATH = "/api/v1/auth/refresh";
  static final String LOGOUT_PATH = "/api/v1/auth/logout";
  private static final int MAX_TOKEN_LENGTH = 256;

  private final EventBus bus;

  SessionRoutes(EventBus bus) {
    this.bus = bus;
  }

  void login(RoutingContext ctx) {
    ctx.request().pause();
    RequestBody.readObject(ctx)
        .map(body -> {
          BodyFields fields = new BodyFields(body, Set.of("email", "password"));
          String email = fields.requiredText("email", 1, 254);
          String password = fields.requiredText("password", 1, RegistrationRules.MAX_PASSWORD);
          fields.throwIfInvalid("the login is invalid");
          return new SessionCommands.Login(email, password, clientAddress(ctx), ResponseHeaders.requestId(ctx));
        })
        .compose(login -> bus.<TokenPair>request(Addresses.AUTH_LOGIN, login, BusCalls.AUTH))
        .onSuccess(reply -> respondTokens(ctx, reply.body()))
        .onFailure(ctx::fail);
  }

  void refresh(RoutingContext ctx) {
    ctx.request().pause();
    RequestBody.readObject(ctx)
        .map(body -> {
          BodyFields fields = new BodyFields(body, Set.of("refreshToken"));
          String token = fields.requiredText("refreshToken", 1, MAX_TOKEN_LENGTH);
          fields.throwIfInvalid("the refresh request is invalid");
          return new SessionCommands.Refresh(token, clientAddress(ctx), ResponseHeaders.requestId(ctx));
        })
        .compose(refresh -> bus.<TokenPair>request(Addresses.AUTH_REFRESH, refresh, BusCalls.AUTH))
        .onSuccess(reply -> respondTokens(ctx, reply.body()))
        .onFailure(ctx::fail);
  }

  /** Session only (see {@link Authentication#sessionOnly()}); the body is optional. */
  void logout(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    RequestBody.readOptionalObject(ctx).map(json -> {
          BodyFields fields = new BodyFields(json, Set.of("refreshToken"));
          String token = fields.optionalText("refreshToken", 1, MAX_TOKEN_LENGTH);
          fields.throwIfInvalid("the logout request is invalid");
          Principal.Session session = principal.session();
          return new SessionCommands.Logout(principal.customerId(), session.tokenId(), session.familyId(),
              session.expiresAt(), token, clientAddress(ctx), ResponseHeaders.requestId(ctx));
        })
        .compose(logout -> bus.<Void>request(Addresses.AUTH_LOGOUT, logout, BusCalls.AUTH))
        .onSuccess(reply -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  static String clientAddress(RoutingContext ctx) {
    return ctx.request().remoteAddress().host();
  }

  static JsonObject tokensJson(TokenPair tokens) {
    return new JsonObject().put("accessToken", tokens.accessToken()).put("refreshToken", tokens.refreshToken())
        .put("tokenType", "Bearer").put("expiresIn", tokens.expiresInSeconds());
  }

  private static void respondTokens(RoutingContext ctx, TokenPair tokens) {
    JsonReply.send(ctx, 200, tokensJson(tokens));
  }
}
