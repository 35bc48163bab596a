package com.apisentinel.http;

import com.apisentinel.auth.UnauthenticatedException;
import com.apisentinel.body.BodyFields;
import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import com.apisentinel.config.Plans;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;

/**
 * PUT /api/v1/admin/customers/{id}/tier, for operators holding the admin token from the configuration.
 * Without a configured token the admin API does not exist (404). The token is compared as SHA-256
 * digests with {@link MessageDigest#isEqual}: constant time, and the length of the secret leaks nothing.
 */
final class AdminRoutes implements RouteGroup {

  static final String TIER_PATH = "/api/v1/admin/customers/:id/tier";
  private static final String BEARER = "Bearer ";

  private final EventBus bus;
  private final Optional<byte[]> tokenDigest;
  private final Plans plans;

  private final BillingExport billing;

  AdminRoutes(EventBus bus, Optional<String> adminToken, Plans plans, BillingExport billing) {
    this.bus = bus;
    this.tokenDigest = adminToken.map(AdminRoutes::sha256);
    this.plans = plans;
    this.billing = billing;
  }

  /** Guarded by the operator's admin token, not by a customer's credential. */
  @Override
  public void mount(Router router, Authentication auth) {
    router.put(TIER_PATH).handler(this::adminOnly).handler(this::setTier);
    router.get(BillingExport.PATH).handler(this::adminOnly).handler(billing::export);
  }

  private void adminOnly(RoutingContext ctx) {
    if (tokenDigest.isEmpty()) {
      ctx.fail(404);
      return;
    }
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    boolean bearer = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
    byte[] presented = sha256(bearer ? authorization.substring(BEARER.length()).trim() : "");
    if (!MessageDigest.isEqual(presented, tokenDigest.get()) || !bearer) {
      ctx.fail(new UnauthenticatedException("missing or wrong admin token"));
      return;
    }
    ctx.next();
  }

  private void setTier(RoutingContext ctx) {
    QueryParams.pathId(ctx)
        .compose(customerId -> RequestBody.readObject(ctx).map(body -> {
          BodyFields fields = new BodyFields(body, Set.of("tier"));
          String tier = fields.requiredText("tier", 1, 32);
          if (tier != null && !plans.exists(tier)) {
            fields.fail("tier", "must be one of " + plans.byTier().keySet());
          }
          fields.throwIfInvalid("the tier change is invalid");
          return new AccountCommands.SetTier(customerId, tier, SessionRoutes.clientAddress(ctx),
              ResponseHeaders.requestId(ctx));
        }))
        .compose(change -> Addresses.AUTH_SET_TIER.request(bus, change))
        .onSuccess(reply -> JsonReply.send(ctx, 200, AccountViews.customer(reply)))
        .onFailure(ctx::fail);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
