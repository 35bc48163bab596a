package com.apisentinel.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Request rate limits with the generic cell rate algorithm (GCRA): one "theoretical arrival time" per
 * key (a customer id, or a client address for registrations), advanced by the emission interval on
 * every admitted request; a request is refused while that time lies more than the burst tolerance
 * ahead of now. Equivalent to
 * a token bucket refilled continuously, so there is no window edge to double a burst at. One instance
 * per node, shared by every HTTP event loop: a lock-free compare-and-set per request, no database.
 */
public final class RateLimiter {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  /** One request every {@code intervalNanos} on average, up to {@code burst} at once. */
  public record Rate(long intervalNanos, int burst) {

    public static Rate perSecond(int requestsPerSecond, int burst) {
      return new Rate(Math.max(1, SECOND / requestsPerSecond), burst);
    }

    /** {@code requests} a minute on average, and as many at once. */
    public static Rate perMinute(int requests) {
      return new Rate(Math.max(1, 60 * SECOND / requests), requests);
    }
  }

  /** The answer to one request: what the RateLimit-* headers (and Retry-After) say. */
  public record Decision(boolean allowed, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {
  }

  /** Keys of different types (UUID, String) never collide, so one map serves every kind of limit. */
  private final Map<Object, AtomicLong> arrivals = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  public RateLimiter(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  public Decision acquire(Object key, Rate rate) {
    long now = nanoTime.getAsLong();
    long interval = rate.intervalNanos();
    long tolerance = interval * (rate.burst() - 1L);
    AtomicLong arrival = arrivals.computeIfAbsent(key, k -> new AtomicLong(now));
    while (true) {
      long current = arrival.get();
      long start = Math.max(current, now);
      if (start - now > tolerance) {
        return new Decision(false, rate.burst(), 0, seconds(start - now), seconds(start - now - tolerance));
      }
      long next = start + interval;
      if (arrival.compareAndSet(current, next)) {
        int remaining = (int) ((tolerance - (start - now)) / interval);
        return new Decision(true, rate.burst(), remaining, seconds(next - now), 0);
      }
    }
  }

  /**
   * How long until {@code key} would be admitted, without taking anything: 0 when it would be now.
   * A key never seen is admitted, and this does not start tracking it.
   */
  public long secondsUntilAdmitted(Object key, Rate rate) {
    AtomicLong arrival = arrivals.get(key);
    if (arrival == null) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    long ahead = Math.max(arrival.get(), now) - now - rate.intervalNanos() * (rate.burst() - 1L);
    return ahead > 0 ? seconds(ahead) : 0;
  }

  /** Takes back one admission of {@code key} (an attempt counted in advance that turned out fine). */
  public void refund(Object key, Rate rate) {
    AtomicLong arrival = arrivals.get(key);
    if (arrival != null) {
      arrival.addAndGet(-rate.intervalNanos());
    }
  }

  public boolean isTracked(Object key) {
    return arrivals.containsKey(key);
  }

  /**
   * Forgets keys whose bucket is full again: they would start afresh anyway. A request admitted at the
   * same instant may lose its step with the removed entry, which errs by one request, in its favour.
   */
  public void evictIdle() {
    long now = nanoTime.getAsLong();
    arrivals.values().removeIf(arrival -> arrival.get() <= now);
  }

  /** How many keys are tracked now (customers, addresses). */
  public int tracked() {
    return arrivals.size();
  }

  private static long seconds(long nanos) {
    return Math.max(1, (nanos + SECOND - 1) / SECOND);
  }
}
