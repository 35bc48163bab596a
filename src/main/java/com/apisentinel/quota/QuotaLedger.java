package com.apisentinel.quota;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The writer's own view of its lanes' quota grants, per customer and month: what each lane (one per
 * writer connection) was granted, has counted, and has reserved for the batch it is committing.
 * Confined to the writer verticle. It only decides which requests to send: the database has the
 * last word (quota_lanes' CHECK), and when this view turns out stale — another node reclaimed a
 * grant, a plan changed — the batch is refused there and the lane re-read ({@link #refreshed}).
 */
final class QuotaLedger {

  /** How long "the quota is spent" is believed without asking the database again (another node may raise the plan). */
  private static final long SPENT_TRUST_NANOS = 1_000_000_000L;
  /** Accounts without reservations idle this long are forgotten; their grants stay in the database. */
  private static final long IDLE_NANOS = 600_000_000_000L;

  private record Key(UUID customerId, QuotaPeriod period) {
  }

  private static final class Account {
    /** Unknown (-1) until the first grant; 0 for an unlimited plan. */
    long limit = -1;
    /** Every lane's usage as of the last grant, plus this node's commits since. */
    long usedKnown;
    final long[] granted;
    final long[] used;
    final long[] reserved;
    long spentSinceNanos = -1;
    long lastUsedNanos;

    Account(int lanes) {
      granted = new long[lanes];
      used = new long[lanes];
      reserved = new long[lanes];
    }

    long available(int lane) {
      return granted[lane] - used[lane] - reserved[lane];
    }

    long available() {
      long available = 0;
      for (int lane = 0; lane < granted.length; lane++) {
        available += available(lane);
      }
      return available;
    }

    boolean idle() {
      for (long r : reserved) {
        if (r != 0) {
          return false;
        }
      }
      return true;
    }
  }

  private static final QuotaGrants.LaneBalance NO_GRANT = new QuotaGrants.LaneBalance(0, 0);

  private final int lanes;
  private final LongSupplier nanoClock;
  private final Map<Key, Account> accounts = new HashMap<>();

  QuotaLedger(int lanes, LongSupplier nanoClock) {
    this.lanes = lanes;
    this.nanoClock = nanoClock;
  }

  /** @return true if the lane's grant covers the events; they are then reserved until settled or released */
  boolean tryReserve(UUID customerId, QuotaPeriod period, int lane, int events) {
    Account account = account(customerId, period);
    if (account.available(lane) < events) {
      return false;
    }
    account.reserved[lane] += events;
    return true;
  }

  /**
   * The database said the quota is spent, recently enough to believe it, and no lane of this node has
   * enough left: refuse without asking again.
   */
  boolean knownSpent(UUID customerId, QuotaPeriod period, int events) {
    Account account = accounts.get(new Key(customerId, period));
    return account != null && spent(account) && account.available() < events;
  }

  /** After COMMIT: of the events reserved, {@code stored} were new (duplicates are not counted). */
  void settle(UUID customerId, QuotaPeriod period, int lane, int reservedEvents, int stored) {
    Account account = account(customerId, period);
    account.reserved[lane] -= reservedEvents;
    account.used[lane] += stored;
    account.usedKnown += stored;
  }

  /** The batch was not committed: its reservation returns to the lane. */
  void release(UUID customerId, QuotaPeriod period, int lane, int reservedEvents) {
    account(customerId, period).reserved[lane] -= reservedEvents;
  }

  /**
   * A grant, with every lane of the customer's month as the database had them: this node's lanes
   * are brought up to date (a lane without a row has no grant), so the ledger knows what each of its
   * lanes holds, not only the one that asked.
   *
   * @param ownLanes this node's lanes by slot, as in the grant; absent slots have no row
   */
  void granted(UUID customerId, QuotaPeriod period, QuotaGrants.Grant grant,
                      Map<Integer, QuotaGrants.LaneBalance> ownLanes) {
    Account account = account(customerId, period);
    account.limit = grant.limit();
    account.usedKnown = Math.max(account.usedKnown, grant.usedTotal());
    account.spentSinceNanos = grant.exhausted() ? nanoClock.getAsLong() : -1;
    for (int lane = 0; lane < lanes; lane++) {
      refreshed(customerId, period, lane, ownLanes.getOrDefault(lane, NO_GRANT));
    }
    if (grant.exhausted()) {
      // Everything not used elsewhere was just handed to this node: what its lanes hold is all that is left.
      account.usedKnown = Math.max(account.usedKnown, account.limit - account.available());
    }
  }

  /**
   * The database's balance of a lane. Its usage is taken only while nothing is reserved on the lane:
   * otherwise a batch may have committed there whose settlement has not been applied yet.
   */
  void refreshed(UUID customerId, QuotaPeriod period, int lane, QuotaGrants.LaneBalance balance) {
    Account account = account(customerId, period);
    account.granted[lane] = balance.granted();
    if (account.reserved[lane] == 0) {
      // Never lower: a batch that committed after the database was read may already be settled here.
      account.used[lane] = Math.max(account.used[lane], balance.used());
    }
  }

  /** The customer's plan changed (and its grants were taken back): nothing more is sent before a new grant. */
  void planChanged(UUID customerId) {
    accounts.forEach((key, account) -> {
      if (key.customerId().equals(customerId)) {
        for (int lane = 0; lane < lanes; lane++) {
          account.granted[lane] = account.used[lane] + account.reserved[lane];
        }
        account.limit = -1;
        account.spentSinceNanos = -1;
      }
    });
  }

  /** @return null when the plan is unlimited or no grant was seen yet */
  QuotaStatus status(UUID customerId, QuotaPeriod period) {
    Account account = accounts.get(new Key(customerId, period));
    if (account == null || account.limit <= 0) {
      return null;
    }
    long remaining = Math.max(0, account.limit - account.usedKnown);
    if (spent(account)) {
      // Other nodes may have used what they held since; this node can vouch only for its own lanes.
      remaining = Math.min(remaining, Math.max(0, account.available()));
    }
    return new QuotaStatus(account.limit, remaining, period.end());
  }

  private boolean spent(Account account) {
    return account.spentSinceNanos != -1 && nanoClock.getAsLong() - account.spentSinceNanos <= SPENT_TRUST_NANOS;
  }

  /** Forgets accounts of past months and idle ones, once nothing is reserved on them. */
  void forgetIdle(QuotaPeriod current) {
    long now = nanoClock.getAsLong();
    accounts.entrySet().removeIf(entry -> entry.getValue().idle()
        && (!entry.getKey().period().equals(current) || now - entry.getValue().lastUsedNanos > IDLE_NANOS));
  }

  private Account account(UUID customerId, QuotaPeriod period) {
    Account account = accounts.computeIfAbsent(new Key(customerId, period), key -> new Account(lanes));
    account.lastUsedNanos = nanoClock.getAsLong();
    return account;
  }
}
