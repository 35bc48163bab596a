package com.apisentinel.http;

import com.apisentinel.bus.Principal;
import com.apisentinel.config.Plans;
import com.apisentinel.limits.RateLimiter;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Applies the caller's plan rate limit once the caller is known: RateLimit-Limit, -Remaining and
 * -Reset on every authenticated response, 429 {@code rate-limited} with Retry-After past the limit
 * (before the body is read, so a refused request costs no parsing).
 */
final class RateLimits {

  private final RateLimiter limiter;
  private final Plans plans;

  RateLimits(RateLimiter limiter, Plans plans) {
    this.limiter = limiter;
    this.plans = plans;
  }

  /** @return true to go on; false after failing the request with 429 */
  boolean admit(RoutingContext ctx, Principal principal) {
    RateLimiter.Decision decision = limiter.acquire(principal.customerId(), plans.of(principal.tier()));
    HttpServerResponse response = ctx.response();
    response.putHeader("RateLimit-Limit", Integer.toString(decision.limit()))
        .putHeader("RateLimit-Remaining", Integer.toString(decision.remaining()))
        .putHeader("RateLimit-Reset", Long.toString(decision.resetSeconds()));
    if (decision.allowed()) {
      return true;
    }
    response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
    ctx.fail(new ProblemException(new Problem(429, "rate-limited", "Rate limited",
        "more requests than the " + principal.tier() + " plan allows; retry after "
            + decision.retryAfterSeconds() + " s")));
    return false;
  }
}
