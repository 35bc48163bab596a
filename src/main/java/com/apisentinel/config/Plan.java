package com.apisentinel.config;

import com.apisentinel.limits.RateLimiter;

/**
 * One plan: a request rate (sustained per second, and how many may come at once), a monthly event
 * quota ({@code 0} meaning unlimited), and the fee: a share of recovered revenue in basis points
 * (200 = 2 %).
 */
public record Plan(String name, int requestsPerSecond, int burst, long monthlyEvents, int feeBasisPoints) {

  public static final int DEFAULT_FEE_BASIS_POINTS = 200;

  public RateLimiter.Rate rate() {
    return RateLimiter.Rate.perSecond(requestsPerSecond, burst);
  }

  public boolean unlimitedEvents() {
    return monthlyEvents == 0;
  }
}
