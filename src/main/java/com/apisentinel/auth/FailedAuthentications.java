package com.apisentinel.auth;

import com.apisentinel.limits.ClientAddress;
import com.apisentinel.limits.RateLimitedLog;
import com.apisentinel.limits.RateLimiter;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/**
 * API key lookups per client address (an IPv6 /64 counts as one), so that keys a client makes up
 * cannot each cost a database read without end. A lookup is charged before it runs (parallel
 * made-up keys count as they arrive) and refunded when the key turns out to be real; once an
 * address has spent its budget, a key it presents that is not cached already is refused with 429.
 * Keys in the cache never reach this: an address shared by many clients (a proxy, a NAT) keeps
 * working for every key that works, whatever one of its clients makes up.
 *
 * <p>Its entries live in the node's shared limiter; when that is full, an address it does not track
 * is refused rather than let through untracked (fail closed: only lookups are refused, never a key
 * that is cached).
 */
public final class FailedAuthentications {

  /** 50 lookups of unknown keys at once, then one every half second. */
  static final RateLimiter.Rate BUDGET = RateLimiter.Rate.perSecond(2, 50);
  private static final int MAX_TRACKED = 200_000;
  private static final RateLimitedLog LOG =
      new RateLimitedLog(LoggerFactory.getLogger(FailedAuthentications.class), Duration.ofMinutes(1));

  /** A key type of its own, so an address never collides with a customer's id in the shared limiter. */
  private record Key(String address) {
  }

  private final RateLimiter limiter;

  public FailedAuthentications(RateLimiter limiter) {
    this.limiter = limiter;
  }

  /** Charges one lookup to the address, or throws {@link TooManyFailuresException} when it may look up no more. */
  void charge(String host) {
    Key key = new Key(ClientAddress.throttleKey(host));
    long wait = limiter.secondsUntilAdmitted(key, BUDGET);
    if (wait == 0 && limiter.tracked() >= MAX_TRACKED && !limiter.isTracked(key)) {
      wait = 1;
    }
    if (wait > 0) {
      LOG.warn("lookups of unknown API keys from {} refused for {} s", key.address(), wait);
      throw new TooManyFailuresException(wait);
    }
    limiter.acquire(key, BUDGET);
  }

  /** The key looked up was real: its lookup is not a failure. */
  void refund(String host) {
    limiter.refund(new Key(ClientAddress.throttleKey(host)), BUDGET);
  }
}
