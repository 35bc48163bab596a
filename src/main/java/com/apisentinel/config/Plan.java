package com.apisentinel.config;

import com.apisentinel.limits.RateLimiter;

/**
 * One plan: a request rate (sustained per second, and how many may come at once) and a monthly
 * event quota, {@code 0} meaning unlimited.
 */
public record Plan(String name, int requestsPerSecond, int burst, long monthlyEvents) {

  public RateLimiter.Rate rate() {
    return RateLimiter.Rate.perSecond(requestsPerSecond, burst);
  }

  public boolean unlimitedEvents() {
    return monthlyEvents == 0;
  }
}
