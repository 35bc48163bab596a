package com.apisentinel.quota;

import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Where writer lanes get their quota grants from: the database, shared by every node. */
public interface QuotaGrants {

  /**
   * Grants {@code lane} at least {@code need} more events of the customer's month if the plan has
   * them, taking back what idle lanes (not in {@code busyLanes}) hold unused.
   */
  Future<Grant> grant(UUID customerId, LocalDate month, UUID lane, long need, Set<UUID> busyLanes);

  /**
   * This node saw the customer's month reach 80 % or 100 % of its quota: the store checks the
   * usage of every lane and sends the quota notifications due, each once per month.
   */
  Future<Void> usageReached(UUID customerId, LocalDate month);

  /** The lane's balance for each customer; a customer without a row has none. */
  Future<Map<UUID, LaneBalance>> balances(LocalDate month, UUID lane, Set<UUID> customers);

  /**
   * The outcome of asking for {@code need} events on a lane.
   *
   * @param limit     the plan's monthly events, 0 for unlimited
   * @param lanes     every lane of the customer's month after the grant (grants exact; usage as committed
   *                  when the grant was made)
   * @param usedTotal events counted this month on every lane, as committed when the grant was made
   * @param exhausted less than asked was granted and nothing is left to reclaim: the quota is spent
   * @param busy      less than asked was granted, but lanes busy committing may still hand some back
   */
  record Grant(long limit, Map<UUID, LaneBalance> lanes, long usedTotal, boolean exhausted, boolean busy) {
  }

  /** What a lane may count and has counted for one customer. */
  record LaneBalance(long granted, long used) {
  }
}
