package com.apisentinel.auth;

import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.Customer;
import com.apisentinel.bus.Failures;
import com.apisentinel.bus.Principal;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
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

  private static final DeliveryOptions LOOKUP_OPTIONS = new DeliveryOptions().setSendTimeout(2000);

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
    return bus.<Customer>request(Addresses.AUTH_PROFILE_GET, new AccountCommands.GetProfile(customerId), LOOKUP_OPTIONS)
        .map(message -> message.body().tier())
        .recover(failure -> failure instanceof ReplyException reply && reply.failureCode() == Failures.NOT_FOUND
            ? Future.succeededFuture(null) : Future.failedFuture(failure));
  }
}
