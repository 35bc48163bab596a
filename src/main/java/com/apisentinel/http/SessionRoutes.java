package com.apisentinel.http;

import com.apisentinel.auth.Principal;
import com.apisentinel.auth.TokenPair;
import com.apisentinel.body.BodyFields;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.SessionCommands;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Login, refresh-token rotation and logout. */
final class SessionRoutes implements RouteGroup {

  static final String LOGIN_PATH = "/api/v1/customers/login";
  static final String REFRESH_PATH = "/api/v1/auth/refresh";
  static final String LOGOUT_PATH = "/api/v1/auth/logout";
  private static final int MAX_TOKEN_LENGTH = 256;

  private final EventBus bus;

  SessionRoutes(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.post(LOGIN_PATH).handler(this::login);
    router.post(REFRESH_PATH).handler(this::refresh);
    router.post(LOGOUT_PATH).handler(auth.sessionOnly()).handler(this::logout);
  }

  private void login(RoutingContext ctx) {
    ctx.request().pause();
    RequestBody.readObject(ctx)
        .map(body -> {
          BodyFields fields = new BodyFields(body, Set.of("email", "password"));
          String email = fields.requiredText("email", 1, 254);
          String password = fields.requiredText("password", 1, RegistrationRules.MAX_PASSWORD);
          fields.throwIfInvalid("the login is invalid");
          return new SessionCommands.Login(email, password, clientAddress(ctx), ResponseHeaders.requestId(ctx));
        })
        .compose(login -> Addresses.AUTH_LOGIN.request(bus, login))
        .onSuccess(reply -> respondTokens(ctx, reply))
        .onFailure(ctx::fail);
  }

  private void refresh(RoutingContext ctx) {
    ctx.request().pause();
    RequestBody.readObject(ctx)
        .map(body -> {
          BodyFields fields = new BodyFields(body, Set.of("refreshToken"));
          String token = fields.requiredText("refreshToken", 1, MAX_TOKEN_LENGTH);
          fields.throwIfInvalid("the refresh request is invalid");
          return new SessionCommands.Refresh(token, clientAddress(ctx), ResponseHeaders.requestId(ctx));
        })
        .compose(refresh -> Addresses.AUTH_REFRESH.request(bus, refresh))
        .onSuccess(reply -> respondTokens(ctx, reply))
        .onFailure(ctx::fail);
  }

  /** Session only (see {@link Authentication#sessionOnly()}); the body is optional. */
  private void logout(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    RequestBody.readOptionalObject(ctx).map(json -> {
          BodyFields fields = new BodyFields(json, Set.of("refreshToken"));
          String token = fields.optionalText("refreshToken", 1, MAX_TOKEN_LENGTH);
          fields.throwIfInvalid("the logout request is invalid");
          Principal.Session session = principal.session();
          return new SessionCommands.Logout(principal.customerId(), session.tokenId(), session.familyId(),
              session.expiresAt(), token, clientAddress(ctx), ResponseHeaders.requestId(ctx));
        })
        .compose(logout -> Addresses.AUTH_LOGOUT.request(bus, logout))
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
