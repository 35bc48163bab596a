package com.apisentinel.http;

import com.apisentinel.bus.Principal;
import com.apisentinel.config.Plan;
import com.apisentinel.config.Plans;
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

  private final RateLimiter limiter;
  private final Plans plans;
  private final RateLimiter.Rate registrations;

  RateLimits(RateLimiter limiter, Plans plans, RateLimiter.Rate registrations) {
    this.limiter = limiter;
    this.plans = plans;
    this.registrations = registrations;
  }

  /** @return true to go on; false after failing the request with 429 */
  boolean admit(RoutingContext ctx, Principal principal) {
    Plan plan = plans.of(principal.tier());
    return answer(ctx, limiter.acquire(principal.customerId(), plan.rate()),
        "more requests than the " + plan.name() + " plan allows");
  }

  /** Route handler: registrations per client address, since each costs an argon2 hash and creates an account. */
  void registration(RoutingContext ctx) {
    if (answer(ctx, limiter.acquire("registration " + SessionRoutes.clientAddress(ctx), registrations),
        "too many registrations from this address")) {
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
