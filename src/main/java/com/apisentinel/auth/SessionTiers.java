package com.apisentinel.auth;

import com.apisentinel.account.Customer;
import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.BusAddress;
import com.apisentinel.bus.Failures;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The current plan of customers calling with an access token. The token names the plan it was
 * issued under, which an operator's plan change must not wait up to the token's lifetime to
 * override: the plan is read from the database instead and trusted for the same short TTL as API
 * keys, and forgotten at once on this node when the plan changes. Owned by one HTTP verticle.
 */
public final class SessionTiers {

  /** A request waits for this look-up: it gives up as soon as other look-ups, not after a command's time. */
  private static final BusAddress<AccountCommands.GetProfile, Customer> PROFILE_LOOKUP =
      Addresses.AUTH_PROFILE_GET.withTimeout(Addresses.LOOKUP_TIMEOUT);

  private final EventBus bus;
  private final LookupCache<UUID, String> tiers;

  public SessionTiers(EventBus bus, Duration ttl, int maxEntries, LongSupplier nanoClock) {
    this.bus = bus;
    this.tiers = new LookupCache<>(ttl, maxEntries, nanoClock);
  }

  /** API key principals already carry the current plan (the key cache has the same TTL). */
  public Future<Principal> current(Principal principal) {
    if (principal.isApiKey()) {
      return Future.succeededFuture(principal);
    }
    return tiers.get(principal.customerId(), this::lookup)
        .map(tier -> tier == null ? principal : principal.withTier(tier));
  }

  public void evict(UUID customerId) {
    tiers.remove(customerId);
  }

  private Future<String> lookup(UUID customerId) {
    return PROFILE_LOOKUP.request(bus, new AccountCommands.GetProfile(customerId))
        .map(Customer::tier)
        .recover(failure -> failure instanceof ReplyException reply && reply.failureCode() == Failures.NOT_FOUND
            ? Future.succeededFuture(null) : Future.failedFuture(failure));
  }
}
