package com.apisentinel.auth;

import com.apisentinel.limits.ClientAddress;
import com.apisentinel.limits.RateLimitedLog;
import com.apisentinel.limits.RateLimiter;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Checks of credentials that a verticle has not cached (an API key's database lookup, an access
 * token's ES256 verification), budgeted per client address (an IPv6 /64 counts as one), so that
 * credentials a client makes up cannot each cost a read or a millisecond of CPU without end. A
 * check is charged before it runs (parallel made-up credentials count as they arrive) and refunded
 * when the credential proves real; once an address has spent its budget, an uncached credential
 * it presents is refused with 429.
 *
 * <p>Credentials that proved real on this node in the last 10 minutes are never charged: an address
 * shared by many clients (a proxy, a NAT) keeps working for every credential that works, whatever
 * one of its clients makes up, and whichever of the node's HTTP verticles the connection lands on.
 * Shared by those verticles; only cache misses come here, so the lock is not on the hot path.
 *
 * <p>The address entries live in the node's shared limiter; when that is full, an address it does
 * not track is refused rather than let through untracked (fail closed).
 */
public final class CredentialCheckBudget {

  /** 50 checks of unknown credentials at once, then one every half second. */
  static final RateLimiter.Rate BUDGET = RateLimiter.Rate.perSecond(2, 50);
  private static final int MAX_TRACKED = 200_000;
  private static final long PROVEN_FOR_NANOS = Duration.ofMinutes(10).toNanos();
  private static final RateLimitedLog LOG =
      new RateLimitedLog(LoggerFactory.getLogger(CredentialCheckBudget.class), Duration.ofMinutes(1));

  /** A key type of its own, so an address never collides with a customer's id in the shared limiter. */
  private record Key(String address) {
  }

  private final RateLimiter limiter;
  private final LongSupplier nanoClock;
  /** Hashes of credentials that proved real, with when; least recently proven dropped first. */
  private final Map<String, Long> provenReal;

  public CredentialCheckBudget(RateLimiter limiter, int maxProven, LongSupplier nanoClock) {
    this.limiter = limiter;
    this.nanoClock = nanoClock;
    this.provenReal = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > maxProven;
      }
    };
  }

  /**
   * Runs {@code check} for the credential whose hash is {@code credentialHash}, charged to
   * {@code host} unless the credential proved real lately; fails with {@link TooManyFailuresException}
   * without running it when the address may check no more.
   *
   * @param isReal whether a successful check's answer means the credential is real
   */
  <T> Future<T> check(String host, String credentialHash, Supplier<Future<T>> check, Predicate<T> isReal) {
    boolean charged = !isProvenReal(credentialHash);
    if (charged) {
      try {
        charge(host);
      } catch (TooManyFailuresException refused) {
        return Future.failedFuture(refused);
      }
    }
    return check.get().andThen(result -> {
      boolean real = result.succeeded() && isReal.test(result.result());
      if (result.succeeded() || result.cause() instanceof UnauthenticatedException) {
        remember(credentialHash, real); // a storage failure says nothing about the credential
      }
      if (real && charged) {
        limiter.refund(key(host), BUDGET);
      }
    });
  }

  private void charge(String host) {
    Key key = key(host);
    long wait = limiter.secondsUntilAdmitted(key, BUDGET);
    if (wait == 0 && limiter.tracked() >= MAX_TRACKED && !limiter.isTracked(key)) {
      wait = 1;
    }
    if (wait > 0) {
      LOG.warn("checks of unknown credentials from {} refused for {} s", key.address(), wait);
      throw new TooManyFailuresException(wait);
    }
    limiter.acquire(key, BUDGET);
  }

  private synchronized boolean isProvenReal(String credentialHash) {
    Long provenAt = provenReal.get(credentialHash);
    return provenAt != null && nanoClock.getAsLong() - provenAt < PROVEN_FOR_NANOS;
  }

  private synchronized void remember(String credentialHash, boolean real) {
    if (real) {
      provenReal.put(credentialHash, nanoClock.getAsLong());
    } else {
      provenReal.remove(credentialHash);
    }
  }

  private static Key key(String host) {
    return new Key(ClientAddress.throttleKey(host));
  }
}
