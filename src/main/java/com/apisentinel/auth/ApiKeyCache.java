package com.apisentinel.auth;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.Failures;
import com.apisentinel.bus.KeyLookup;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * API key hash → principal, owned by one HTTP verticle (event-loop confined, no locks). Misses ask
 * the auth verticle. Answers — including "no such key" — are trusted for {@code ttl}, which bounds
 * how long a revoked key keeps working on any node.
 */
public final class ApiKeyCache {

  /** A hung database must turn into a prompt 503, not a request that waits for the bus's 30 s default. */

  private final EventBus bus;
  private final LookupCache<String, Principal> principals;
  private final Clock clock;
  private final CredentialCheckBudget checks;
  /** Keys used since the last report, with the time of their last use: lastUsedAt is written in batches. */
  private Map<UUID, Instant> usedSinceReport = new HashMap<>();

  public ApiKeyCache(EventBus bus, Duration ttl, int maxEntries, LongSupplier nanoClock, Clock clock,
                     CredentialCheckBudget checks) {
    this.bus = bus;
    this.principals = new LookupCache<>(ttl, maxEntries, nanoClock);
    this.clock = clock;
    this.checks = checks;
  }

  /**
   * Fails with {@link UnauthenticatedException}, {@link TooManyFailuresException} when the client's
   * address may look up no more unknown keys, or a {@link ReplyException} when storage is unavailable.
   */
  public Future<Principal> authenticate(String apiKey, String clientHost) {
    if (!ApiKeys.isWellFormed(apiKey)) {
      return Future.failedFuture(new UnauthenticatedException("malformed API key"));
    }
    String hash = HexFormat.of().formatHex(ApiKeys.sha256(apiKey));
    // Only a key that is not cached costs a read: that is what the client's address is charged for.
    return principals.get(hash, missed -> checks.check(clientHost, missed, () -> lookup(missed), Objects::nonNull))
        .compose(this::answer);
  }

  private Future<Principal> lookup(String hash) {
    return Addresses.AUTH_KEY_LOOKUP.request(bus, new KeyLookup(hash))
        .recover(failure -> isUnknownKey(failure) ? Future.succeededFuture(null) : Future.failedFuture(failure));
  }

  private static boolean isUnknownKey(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureCode() == Failures.UNAUTHENTICATED;
  }

  private Future<Principal> answer(Principal principal) {
    if (principal == null) {
      return Future.failedFuture(new UnauthenticatedException("unknown, expired or revoked API key"));
    }
    usedSinceReport.put(principal.keyId(), clock.instant());
    return Future.succeededFuture(principal);
  }

  /** @return the keys used since the previous call with the time each was last used, and starts a new interval */
  public Map<UUID, Instant> takeUsedKeys() {
    Map<UUID, Instant> used = usedSinceReport;
    usedSinceReport = new HashMap<>();
    return used;
  }

  /** Forgets a customer's keys, so that the next request reads them (and the customer's plan) afresh. */
  public void evictCustomer(UUID customerId) {
    principals.removeIf(principal -> principal.customerId().equals(customerId));
  }

  /** Forgets revoked keys at once (this node's revocations; other nodes' expire with the TTL). */
  public void evict(Set<String> keyHashes) {
    keyHashes.forEach(principals::remove);
  }
}
