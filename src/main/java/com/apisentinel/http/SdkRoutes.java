package com.apisentinel.http;

import com.apisentinel.account.Customer;
import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * GET /api/v1/sdk/config: what every SDK of the customer reads at start and every minute, so that
 * the profile's gateways and failover settings change what the apps do without a redeploy. The
 * ETag is a hash of the answer, so an unchanged config costs a 304 and no body.
 */
final class SdkRoutes implements RouteGroup {

  static final String CONFIG_PATH = "/api/v1/sdk/config";
  /** The SDKs poll every minute: a cache in between may keep an answer that long, never shared between keys. */
  private static final String CACHE_CONTROL = "private, max-age=60";
  /** The batching the server wants from SDKs: 100 events or 1 s, whichever comes first (the SDK's defaults). */
  static final int FLUSH_MAX_BATCH_EVENTS = 100;
  static final int FLUSH_INTERVAL_MS = 1000;

  private final EventBus bus;

  SdkRoutes(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.get(CONFIG_PATH).handler(auth.anyCredential()).handler(this::config);
  }

  private void config(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    Addresses.AUTH_PROFILE_GET.request(bus, new AccountCommands.GetProfile(customerId))
        .onSuccess(reply -> answer(ctx, body(reply).toBuffer()))
        .onFailure(ctx::fail);
  }

  static JsonObject body(Customer customer) {
    return new JsonObject()
        .put("primaryGateway", customer.primaryGateway())
        .put("secondaryGateway", customer.secondaryGateway())
        .put("failover", AccountViews.failover(customer.failover()))
        .put("flush", new JsonObject().put("maxBatchEvents", FLUSH_MAX_BATCH_EVENTS)
            .put("intervalMs", FLUSH_INTERVAL_MS));
  }

  private static void answer(RoutingContext ctx, Buffer body) {
    String etag = etag(body);
    ctx.response().putHeader(HttpHeaders.ETAG, etag).putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      ctx.response().setStatusCode(304).end();
    } else {
      ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JsonReply.APPLICATION_JSON).end(body);
    }
  }

  /** A strong ETag: the first 128 bits of the body's SHA-256. */
  static String etag(Buffer body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes());
      return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** RFC 9110 If-None-Match: a list of (possibly weak) tags, or *. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String candidate = tag.trim();
      if (candidate.equals("*") || (candidate.startsWith("W/") ? candidate.substring(2) : candidate).equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
