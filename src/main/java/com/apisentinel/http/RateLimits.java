package com.apisentinel.http;

import com.apisentinel.auth.Principal;
import com.apisentinel.config.Plan;
import com.apisentinel.config.Plans;
import com.apisentinel.limits.ClientAddress;
import com.apisentinel.limits.RateLimiter;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Applies the caller's plan rate limit once the caller is known, and the registration limit per client
 * address: RateLimit-Limit, -Remaining and
 * -Reset on every authenticated response, 429 {@code rate-limited} with Retry-After past the limit
 * (before the body is read, so a refused request costs no parsing).
 */
final class RateLimits {

  private static final String ALL_REGISTRATIONS = "registration *";

  private final RateLimiter limiter;
  private final Plans plans;
  private final RateLimiter.Rate registrations;
  private final RateLimiter.Rate allRegistrations;

  /**
   * @param registrations per client address (an IPv6 /64 counts as one)
   * @param allRegistrations per node, from every address together
   */
  RateLimits(RateLimiter limiter, Plans plans, RateLimiter.Rate registrations, RateLimiter.Rate allRegistrations) {
    this.limiter = limiter;
    this.plans = plans;
    this.registrations = registrations;
    this.allRegistrations = allRegistrations;
  }

  /** @return true to go on; false after failing the request with 429 */
  boolean admit(RoutingContext ctx, Principal principal) {
    Plan plan = plans.of(principal.tier());
    return answer(ctx, limiter.acquire(principal.customerId(), plan.rate()),
        "more requests than the " + plan.name() + " plan allows");
  }

  /**
   * Route handler: registrations per client address and per node, since each costs an argon2 hash
   * and creates an account with a free quota. The address's own limit is looked at first without
   * taking anything, so that one address over its limit cannot spend the node's allowance for
   * everyone; the node-wide one is taken next, so that addresses beyond it leave no entry.
   */
  void registration(RoutingContext ctx) {
    String address = "registration " + ClientAddress.throttleKey(SessionRoutes.clientAddress(ctx));
    long wait = limiter.secondsUntilAdmitted(address, registrations);
    if (wait > 0) {
      answer(ctx, new RateLimiter.Decision(false, registrations.burst(), 0, wait, wait),
          "too many registrations from this address");
      return;
    }
    if (answer(ctx, limiter.acquire(ALL_REGISTRATIONS, allRegistrations), "too many registrations right now")
        && answer(ctx, limiter.acquire(address, registrations), "too many registrations from this address")) {
      ctx.next();
    }
  }

  private static boolean answer(RoutingContext ctx, RateLimiter.Decision decision, String refusal) {
    HttpServerResponse response = ctx.response();
    response.putHeader("RateLimit-Limit", Integer.toString(decision.limit()))
        .putHeader("RateLimit-Remaining", Integer.toString(decision.remaining()))
        .putHeader("RateLimit-Reset", Long.toString(decision.resetSeconds()));
    if (decision.allowed()) {
      return true;
    }
    response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
    ctx.fail(new ProblemException(new Problem(429, "rate-limited", "Rate limited",
        refusal + "; retry after " + decision.retryAfterSeconds() + " s")));
    return false;
  }
}
