package com.apisentinel.http;

import com.apisentinel.body.BodyFields;
import com.apisentinel.body.Rfc3339;
import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.IssuedKey;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** API key management (login sessions only): create, list, revoke, roll. */
final class KeyRoutes {

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

  void create(RoutingContext ctx) {
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
        .compose(create -> bus.<IssuedKey>request(Addresses.AUTH_KEYS_CREATE, create, BusCalls.AUTH))
        .onSuccess(reply -> created(ctx, reply))
        .onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    bus.<AccountCommands.KeyListing>request(Addresses.AUTH_KEYS_LIST, new AccountCommands.ListKeys(customerId), BusCalls.AUTH)
        .onSuccess(reply -> {
          JsonArray keys = new JsonArray();
          reply.body().keys().forEach(key -> keys.add(AccountViews.keyView(key)));
          JsonReply.send(ctx, 200, new JsonObject().put("keys", keys));
        })
        .onFailure(ctx::fail);
  }

  void revoke(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    QueryParams.pathId(ctx)
        .compose(keyId -> bus.request(Addresses.AUTH_KEYS_REVOKE, new AccountCommands.RevokeKey(customerId, keyId,
            SessionRoutes.clientAddress(ctx), ResponseHeaders.requestId(ctx)), BusCalls.AUTH))
        .onSuccess(reply -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  void roll(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    QueryParams.pathId(ctx)
        .compose(keyId -> RequestBody.readOptionalObject(ctx).map(body -> {
          BodyFields fields = new BodyFields(body, Set.of("gracePeriodSeconds"));
          Long grace = fields.optionalInteger("gracePeriodSeconds", 0, MAX_GRACE_SECONDS);
          fields.throwIfInvalid("the roll request is invalid");
          return new AccountCommands.RollKey(customerId, keyId, grace == null ? 0 : grace,
              SessionRoutes.clientAddress(ctx), ResponseHeaders.requestId(ctx));
        }))
        .compose(roll -> bus.<IssuedKey>request(Addresses.AUTH_KEYS_ROLL, roll, BusCalls.AUTH))
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

  private static void created(RoutingContext ctx, Message<IssuedKey> reply) {
    JsonReply.send(ctx, 201, AccountViews.issuedKey(reply.body()));
  }
}
