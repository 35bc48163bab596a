package com.apisentinel.store;

import com.apisentinel.config.Plan;
import com.apisentinel.config.Plans;
import com.apisentinel.quota.QuotaGrants.Grant;
import com.apisentinel.quota.QuotaGrants.LaneBalance;
import com.apisentinel.quota.QuotaGrants;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Quota grants to writer lanes (see migration V5). A grant locks the customer's row, so grants,
 * reclaims and plan changes of one customer take turns while its events keep committing: inserts
 * only take the row's key-share lock. Grants are rare (a lane asks again only when its grant runs
 * out), so this lock is never on the per-batch path.
 */
public final class QuotaStore implements QuotaGrants {

  /** Largest grant beyond what is asked for; smaller plans get a hundredth of their quota. */
  private static final long MAX_CHUNK = 100_000;
  private static final long MIN_CHUNK = 100;

  private static final String LOCK_CUSTOMER = "SELECT tier FROM customers WHERE id = $1 FOR NO KEY UPDATE";
  /**
   * The asking lane is locked first, before any other: if a batch is committing on it, the grant
   * waits for that batch (milliseconds) while holding no lane, so it can never close a wait cycle
   * with inserts; every lane it touches afterwards is taken with SKIP LOCKED or is this one.
   */
  private static final String LOCK_OWN_LANE = """
      SELECT 1 FROM quota_lanes WHERE customer_id = $1 AND period_start = $2 AND lane = $3 FOR UPDATE""";
  private static final String LANES = "SELECT lane, granted, used FROM quota_lanes WHERE customer_id = $1 AND period_start = $2";
  /** Takes back what idle lanes of any node were granted but did not use; lanes busy committing are skipped. */
  private static final String RECLAIM_IDLE = """
      UPDATE quota_lanes q SET granted = q.used
        FROM (SELECT lane FROM quota_lanes
               WHERE customer_id = $1 AND period_start = $2 AND granted > used AND lane <> ALL($3::uuid[])
                 FOR UPDATE SKIP LOCKED) idle
       WHERE q.customer_id = $1 AND q.period_start = $2 AND q.lane = idle.lane
      RETURNING q.lane, q.granted""";
  private static final String GRANT = """
      INSERT INTO quota_lanes (customer_id, period_start, lane, granted) VALUES ($1, $2, $3, $4)
      ON CONFLICT (customer_id, period_start, lane) DO UPDATE SET granted = quota_lanes.granted + EXCLUDED.granted
      RETURNING granted, used""";
  /**
   * After a plan change every lane keeps only what it used, so no grant made under the old plan
   * outlives it. Lanes are locked in one order, which cannot deadlock with the writer's inserts
   * (each holds rows of a single lane).
   */
  private static final String RECLAIM_ALL = """
      UPDATE quota_lanes q SET granted = q.used
        FROM (SELECT period_start, lane FROM quota_lanes WHERE customer_id = $1 AND granted > used
               ORDER BY period_start, lane FOR UPDATE) l
       WHERE q.customer_id = $1 AND q.period_start = l.period_start AND q.lane = l.lane""";
  private static final String NOTIFY_ONCE = """
      INSERT INTO quota_notifications (customer_id, period_start, kind) VALUES ($1, $2, $3)
      ON CONFLICT DO NOTHING""";
  private static final String LANE_BALANCES = """
      SELECT customer_id, granted, used FROM quota_lanes
       WHERE period_start = $1 AND lane = $2 AND customer_id = ANY($3::uuid[])""";


  private final Pool pool;
  private final Plans plans;

  public QuotaStore(Pool pool, Plans plans) {
    this.pool = pool;
    this.plans = plans;
  }

  /**
   * Grants the lane at least {@code need} more events when the quota allows (more, so that the lane
   * need not ask again soon), else whatever is left.
   *
   * @param busyLanes lanes of the asking node that are committing: reclaiming from them would only
   *                  make their batch fail and retry
   */
  @Override
  public Future<Grant> grant(UUID customerId, LocalDate period, UUID lane, long need, Set<UUID> busyLanes) {
    return pool.withTransaction(connection -> connection.preparedQuery(LOCK_CUSTOMER).execute(Tuple.of(customerId))
        .compose(customer -> {
          if (customer.size() == 0) {
            return Future.failedFuture(new IllegalStateException("no customer " + customerId));
          }
          Plan plan = plans.of(customer.iterator().next().getString(0));
          return connection.preparedQuery(LOCK_OWN_LANE).execute(Tuple.of(customerId, period, lane))
              .compose(locked -> connection.preparedQuery(LANES).execute(Tuple.of(customerId, period)))
              .compose(rows -> grant(connection, plan, customerId, period, lane, need, busyLanes, lanes(rows)))
              .compose(grant -> notifyIfDue(connection, customerId, period, grant).map(grant));
        }));
  }

  /**
   * {@code quota.warning} once the month's usage reaches 80 % of the plan, {@code quota.exhausted}
   * once a grant finds nothing left: each once per customer and month, however many nodes grant
   * (the notification's key), and in the grant's transaction (the outbox), so it is never lost
   * nor sent for a grant that rolled back. Usage is as committed when the grant is made, which
   * lags by at most the grants outstanding on other lanes.
   */
  private static Future<Void> notifyIfDue(SqlConnection connection, UUID customerId, LocalDate period, Grant grant) {
    if (grant.limit() <= 0) {
      return Future.succeededFuture();
    }
    Future<Void> warned = grant.usedTotal() * 5 >= grant.limit() * 4 || grant.exhausted()
        ? notifyOnce(connection, customerId, period, "quota.warning", grant) : Future.succeededFuture();
    return warned.compose(v -> grant.exhausted()
        ? notifyOnce(connection, customerId, period, "quota.exhausted", grant) : Future.succeededFuture());
  }

  /** Reads every lane's usage of the month under the customer's lock, then sends what is due. */
  @Override
  public Future<Void> usageReached(UUID customerId, LocalDate period) {
    return pool.withTransaction(connection -> connection.preparedQuery(LOCK_CUSTOMER).execute(Tuple.of(customerId))
        .compose(customer -> {
          if (customer.size() == 0) {
            return Future.succeededFuture();
          }
          Plan plan = plans.of(customer.iterator().next().getString(0));
          return connection.preparedQuery(LANES).execute(Tuple.of(customerId, period)).compose(rows -> {
            long used = lanes(rows).values().stream().mapToLong(LaneBalance::used).sum();
            return notifyIfDue(connection, customerId, period,
                new Grant(plan.unlimitedEvents() ? 0 : plan.monthlyEvents(), Map.of(), used,
                    !plan.unlimitedEvents() && used >= plan.monthlyEvents(), false));
          });
        }));
  }

  private static Future<Void> notifyOnce(SqlConnection connection, UUID customerId, LocalDate period, String kind,
                                         Grant grant) {
    return connection.preparedQuery(NOTIFY_ONCE).execute(Tuple.of(customerId, period, kind))
        .compose(inserted -> inserted.rowCount() == 0 ? Future.succeededFuture()
            : Outbox.enqueue(connection, customerId, kind, new JsonObject()
                .put("periodStart", period.atStartOfDay(ZoneOffset.UTC).toInstant().toString())
                .put("periodEnd", period.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString())
                .put("limit", grant.limit())
                .put("used", Math.min(grant.limit(), grant.exhausted() ? grant.limit() : grant.usedTotal())), null)
                .mapEmpty());
  }

  private Future<Grant> grant(SqlConnection connection, Plan plan, UUID customerId, LocalDate period, UUID lane,
                              long need, Set<UUID> busyLanes, Map<UUID, LaneBalance> lanes) {
    long usedTotal = lanes.values().stream().mapToLong(LaneBalance::used).sum();
    long grantedTotal = lanes.values().stream().mapToLong(LaneBalance::granted).sum();
    long chunk = chunk(plan);
    if (plan.unlimitedEvents()) {
      return add(connection, customerId, period, lane, need + chunk)
          .map(balance -> new Grant(0, after(lanes, Map.of(), lane, balance), usedTotal, false, false));
    }
    Future<Map<UUID, Long>> reclaiming = plan.monthlyEvents() - grantedTotal >= need
        ? Future.succeededFuture(Map.of())
        : reclaimIdle(connection, customerId, period, busyLanes);
    return reclaiming.compose(reclaimed -> {
      long returned = reclaimed.entrySet().stream().mapToLong(e -> lanes.get(e.getKey()).granted() - e.getValue()).sum();
      long free = Math.max(0, plan.monthlyEvents() - grantedTotal + returned);
      long give = free < need ? free : need + Math.min(chunk, (free - need) / 2);
      boolean shortOfNeed = give < need;
      boolean othersHoldUnused = lanes.entrySet().stream()
          .anyMatch(e -> !e.getKey().equals(lane) && !reclaimed.containsKey(e.getKey())
              && e.getValue().granted() > e.getValue().used());
      return add(connection, customerId, period, lane, give).map(balance -> new Grant(plan.monthlyEvents(),
          after(lanes, reclaimed, lane, balance), usedTotal, shortOfNeed && !othersHoldUnused,
          shortOfNeed && othersHoldUnused));
    });
  }

  private static Map<UUID, LaneBalance> after(Map<UUID, LaneBalance> before, Map<UUID, Long> reclaimed, UUID lane,
                                              LaneBalance granted) {
    Map<UUID, LaneBalance> after = new HashMap<>(before);
    reclaimed.forEach((reclaimedLane, grant) -> after.put(reclaimedLane, new LaneBalance(grant, grant)));
    after.put(lane, granted);
    return after;
  }

  private static long chunk(Plan plan) {
    return plan.unlimitedEvents() ? MAX_CHUNK : Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, plan.monthlyEvents() / 100));
  }

  private static Future<Map<UUID, Long>> reclaimIdle(SqlConnection connection, UUID customerId, LocalDate period,
                                                     Set<UUID> busyLanes) {
    return connection.preparedQuery(RECLAIM_IDLE)
        .execute(Tuple.of(customerId, period, busyLanes.toArray(UUID[]::new)))
        .map(rows -> {
          Map<UUID, Long> reclaimed = new HashMap<>();
          rows.forEach(row -> reclaimed.put(row.getUUID(0), row.getLong(1)));
          return reclaimed;
        });
  }

  private static Future<LaneBalance> add(SqlConnection connection, UUID customerId, LocalDate period, UUID lane,
                                         long events) {
    return connection.preparedQuery(GRANT).execute(Tuple.of(customerId, period, lane, events))
        .map(rows -> balance(rows.iterator().next(), 0));
  }

  private static Map<UUID, LaneBalance> lanes(RowSet<Row> rows) {
    Map<UUID, LaneBalance> lanes = new HashMap<>();
    rows.forEach(row -> lanes.put(row.getUUID(0), balance(row, 1)));
    return lanes;
  }

  /** What one lane may count and has counted this period, for the given customers (absent: never granted). */
  @Override
  public Future<Map<UUID, LaneBalance>> balances(LocalDate period, UUID lane, Set<UUID> customerIds) {
    return pool.preparedQuery(LANE_BALANCES).execute(Tuple.of(period, lane, customerIds.toArray(UUID[]::new)))
        .map(rows -> {
          Map<UUID, LaneBalance> balances = new HashMap<>();
          rows.forEach(row -> balances.put(row.getUUID(0), balance(row, 1)));
          return balances;
        });
  }

  private static LaneBalance balance(Row row, int firstColumn) {
    return new LaneBalance(row.getLong(firstColumn), row.getLong(firstColumn + 1));
  }

  /** Within a plan change's transaction, after the customer row is updated (and so locked). */
  static Future<Void> reclaimAll(SqlConnection connection, UUID customerId) {
    return connection.preparedQuery(RECLAIM_ALL).execute(Tuple.of(customerId)).mapEmpty();
  }
}
