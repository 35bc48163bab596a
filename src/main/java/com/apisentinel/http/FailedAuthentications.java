package com.apisentinel.http;

import com.apisentinel.limits.ClientAddress;
import com.apisentinel.limits.RateLimitedLog;
import com.apisentinel.limits.RateLimiter;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/**
 * Failed authentications per client address (an IPv6 /64 counts as one), so that credentials a
 * client makes up cannot each cost a key lookup without end: once an address has failed more than
 * its budget, its requests are refused with 429 before any lookup, while every other address,
 * including the customers whose keys work, is served as before. Only failures are recorded, so a
 * customer whose credentials work never adds an entry; the entries are bounded besides.
 */
final class FailedAuthentications {

  /** 50 failures at once, then one every half second: a misconfigured client sees 401s, then 429s. */
  static final RateLimiter.Rate BUDGET = RateLimiter.Rate.perSecond(2, 50);
  /** Past this many tracked keys (customers and addresses together) new addresses are not recorded. */
  private static final int MAX_TRACKED = 200_000;
  private static final RateLimitedLog LOG =
      new RateLimitedLog(LoggerFactory.getLogger(FailedAuthentications.class), Duration.ofMinutes(1));

  /** A key type of its own, so an address never collides with a customer's id in the shared limiter. */
  private record Key(String address) {
  }

  private final RateLimiter limiter;

  FailedAuthentications(RateLimiter limiter) {
    this.limiter = limiter;
  }

  /** @return seconds the address must wait before it may present a credential again; 0 when it may now */
  long secondsBlocked(String host) {
    return limiter.secondsUntilAdmitted(new Key(ClientAddress.throttleKey(host)), BUDGET);
  }

  void failed(String host) {
    String address = ClientAddress.throttleKey(host);
    if (limiter.tracked() < MAX_TRACKED) {
      limiter.acquire(new Key(address), BUDGET);
    }
    LOG.warn("a request from {} presented an invalid credential", address);
  }
}
