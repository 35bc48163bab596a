package com.apisentinel.limits;

import com.apisentinel.config.Plan;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per-customer request rate limits with the generic cell rate algorithm (GCRA): one "theoretical
 * arrival time" per customer, advanced by the plan's emission interval on every admitted request; a
 * request is refused while that time lies more than the burst tolerance ahead of now. Equivalent to
 * a token bucket refilled continuously, so there is no window edge to double a burst at. One instance
 * per node, shared by every HTTP event loop: a lock-free compare-and-set per request, no database.
 */
public final class RateLimiter {

  /** The answer to one request: what the RateLimit-* headers (and Retry-After) say. */
  public record Decision(boolean allowed, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {
  }

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final Map<UUID, AtomicLong> arrivals = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  public RateLimiter(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  public Decision acquire(UUID customerId, Plan plan) {
    long now = nanoTime.getAsLong();
    long interval = Math.max(1, SECOND / plan.requestsPerSecond());
    long tolerance = interval * (plan.burst() - 1L);
    AtomicLong arrival = arrivals.computeIfAbsent(customerId, id -> new AtomicLong(now));
    while (true) {
      long current = arrival.get();
      long start = Math.max(current, now);
      if (start - now > tolerance) {
        return new Decision(false, plan.burst(), 0, seconds(start - now), seconds(start - now - tolerance));
      }
      long next = start + interval;
      if (arrival.compareAndSet(current, next)) {
        int remaining = (int) ((tolerance - (start - now)) / interval);
        return new Decision(true, plan.burst(), remaining, seconds(next - now), 0);
      }
    }
  }

  /** Forgets customers whose bucket is full again: they would start afresh anyway. */
  public void evictIdle() {
    long now = nanoTime.getAsLong();
    arrivals.values().removeIf(arrival -> arrival.get() <= now);
  }

  int tracked() {
    return arrivals.size();
  }

  private static long seconds(long nanos) {
    return Math.max(1, (nanos + SECOND - 1) / SECOND);
  }
}
