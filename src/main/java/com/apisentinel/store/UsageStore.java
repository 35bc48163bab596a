package com.apisentinel.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Usage for billing: events counted against the monthly quota, and authenticated requests per day. */
public final class UsageStore {

  private static final String ADD_REQUESTS = """
      INSERT INTO request_counts (customer_id, day, requests)
      SELECT * FROM unnest($1::uuid[], $2::date[], $3::int8[])
      ON CONFLICT (customer_id, day) DO UPDATE SET requests = request_counts.requests + EXCLUDED.requests""";
  private static final String USAGE = """
      SELECT c.tier,
             (SELECT coalesce(sum(q.used), 0)::int8 FROM quota_lanes q
               WHERE q.customer_id = c.id AND q.period_start = $2) AS used,
             (SELECT array_agg(r.day ORDER BY r.day) FROM request_counts r
               WHERE r.customer_id = c.id AND r.day >= $2 AND r.day < $3) AS days,
             (SELECT array_agg(r.requests ORDER BY r.day) FROM request_counts r
               WHERE r.customer_id = c.id AND r.day >= $2 AND r.day < $3) AS requests
        FROM customers c WHERE c.id = $1""";

  public record RequestCount(UUID customerId, LocalDate day, long requests) {
  }

  /** @param requestsByDay requests per day of the period, in day order */
  public record Usage(String tier, long eventsUsed, List<RequestCount> requestsByDay) {
  }

  private final Pool pool;

  public UsageStore(Pool pool) {
    this.pool = pool;
  }

  /** Adds every count in one statement; at most one count per customer and day. */
  public Future<Void> addRequests(Collection<RequestCount> counts) {
    if (counts.isEmpty()) {
      return Future.succeededFuture();
    }
    UUID[] customers = counts.stream().map(RequestCount::customerId).toArray(UUID[]::new);
    LocalDate[] days = counts.stream().map(RequestCount::day).toArray(LocalDate[]::new);
    Long[] requests = counts.stream().map(RequestCount::requests).toArray(Long[]::new);
    return pool.preparedQuery(ADD_REQUESTS).execute(Tuple.of(customers, days, requests)).mapEmpty();
  }

  /** @param from first day of the period; {@code until} exclusive. Null when the customer does not exist. */
  public Future<Usage> usage(UUID customerId, LocalDate from, LocalDate until) {
    return pool.preparedQuery(USAGE).execute(Tuple.of(customerId, from, until))
        .map(rows -> rows.size() == 0 ? null : usage(customerId, rows.iterator().next()));
  }

  private static Usage usage(UUID customerId, Row row) {
    List<RequestCount> byDay = new ArrayList<>();
    LocalDate[] days = row.getArrayOfLocalDates("days");
    Long[] requests = row.getArrayOfLongs("requests");
    for (int i = 0; days != null && i < days.length; i++) {
      byDay.add(new RequestCount(customerId, days[i], requests[i]));
    }
    return new Usage(row.getString("tier"), row.getLong("used"), byDay);
  }
}
