package com.apisentinel.http;

import com.apisentinel.auth.IssuedKey;
import com.apisentinel.body.BodyFields;
import com.apisentinel.body.Rfc3339;
import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** API key management (login sessions only): create, list, revoke, roll. */
final class KeyRoutes implements RouteGroup {

  static final String KEYS_PATH = "/api/v1/keys";
  static final String KEY_PATH = "/api/v1/keys/:id";
  static final String ROLL_PATH = "/api/v1/keys/:id/roll";
  static final String DEFAULT_NAME = "default";
  static final long MAX_GRACE_SECONDS = 86_400;
  private static final Duration MAX_LIFETIME = Duration.ofDays(3650);

  private final EventBus bus;

  KeyRoutes(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.post(KEYS_PATH).handler(auth.sessionOnly()).handler(this::create);
    router.get(KEYS_PATH).handler(auth.sessionOnly()).handler(this::list);
    router.delete(KEY_PATH).handler(auth.sessionOnly()).handler(this::revoke);
    router.post(ROLL_PATH).handler(auth.sessionOnly()).handler(this::roll);
  }

  private void create(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    RequestBody.readOptionalObject(ctx)
        .map(body -> {
          BodyFields fields = new BodyFields(body, Set.of("name", "expiresAt"));
          String name = fields.optionalText("name", 1, 100);
          Instant expiresAt = expiresAt(fields, fields.optionalText("expiresAt", 1, 64));
          fields.throwIfInvalid("the key request is invalid");
          return new AccountCommands.CreateKey(customerId, name != null ? name : DEFAULT_NAME, expiresAt,
              SessionRoutes.clientAddress(ctx), ResponseHeaders.requestId(ctx));
        })
        .compose(create -> Addresses.AUTH_KEYS_CREATE.request(bus, create))
        .onSuccess(reply -> created(ctx, reply))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    Addresses.AUTH_KEYS_LIST.request(bus, new AccountCommands.ListKeys(customerId))
        .onSuccess(reply -> {
          JsonArray keys = new JsonArray();
          reply.keys().forEach(key -> keys.add(AccountViews.keyView(key)));
          JsonReply.send(ctx, 200, new JsonObject().put("keys", keys));
        })
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    QueryParams.pathId(ctx)
        .compose(keyId -> Addresses.AUTH_KEYS_REVOKE.request(bus, new AccountCommands.RevokeKey(customerId, keyId,
            SessionRoutes.clientAddress(ctx), ResponseHeaders.requestId(ctx))))
        .onSuccess(reply -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void roll(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    QueryParams.pathId(ctx)
        .compose(keyId -> RequestBody.readOptionalObject(ctx).map(body -> {
          BodyFields fields = new BodyFields(body, Set.of("gracePeriodSeconds"));
          Long grace = fields.optionalInteger("gracePeriodSeconds", 0, MAX_GRACE_SECONDS);
          fields.throwIfInvalid("the roll request is invalid");
          return new AccountCommands.RollKey(customerId, keyId, grace == null ? 0 : grace,
              SessionRoutes.clientAddress(ctx), ResponseHeaders.requestId(ctx));
        }))
        .compose(roll -> Addresses.AUTH_KEYS_ROLL.request(bus, roll))
        .onSuccess(reply -> created(ctx, reply))
        .onFailure(ctx::fail);
  }

  private static Instant expiresAt(BodyFields fields, String value) {
    if (value == null) {
      return null;
    }
    Instant at = Rfc3339.parse(value);
    Instant now = Instant.now();
    if (at == null) {
      fields.fail("expiresAt", Rfc3339.EXPECTED);
    } else if (!at.isAfter(now) || at.isAfter(now.plus(MAX_LIFETIME))) {
      fields.fail("expiresAt", "must be in the future, at most 10 years ahead");
      return null;
    }
    return at;
  }

  private static void created(RoutingContext ctx, IssuedKey key) {
    JsonReply.send(ctx, 201, AccountViews.issuedKey(key));
  }
}
