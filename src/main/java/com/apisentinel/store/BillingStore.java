package com.apisentinel.store;

import com.apisentinel.rollup.RollupQueries.CurrencyTotals;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** Final billing statements and what they billed (see migration V10). */
public final class BillingStore {

  private static final String CUSTOMER_IDS = """
      SELECT id FROM customers WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2""";
  private static final String CUSTOMER = "SELECT created_at, tier FROM customers WHERE id = $1";
  /** NO KEY: the writer's quota-lane inserts take a key-share lock on this row and must never wait for it. */
  private static final String LOCK_CUSTOMER = "SELECT 1 FROM customers WHERE id = $1 FOR NO KEY UPDATE";
  private static final String LATEST = "SELECT max(period) FROM billing_statements WHERE customer_id = $1";
  private static final String SNAPSHOT = """
      SELECT generated_at, lines FROM billing_statements WHERE customer_id = $1 AND period = $2""";
  private static final String SAVE = """
      INSERT INTO billing_statements (customer_id, period, generated_at, lines) VALUES ($1, $2, $3, $4)""";
  private static final String ACCOUNTED = """
      SELECT currency, events, failovers, recoveries, recovered_minor FROM billing_accounted
       WHERE customer_id = $1 AND period = $2""";
  private static final String ACCOUNT = """
      INSERT INTO billing_accounted (customer_id, period, currency, events, failovers, recoveries, recovered_minor)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (customer_id, period, currency) DO UPDATE
         SET events = billing_accounted.events + EXCLUDED.events,
             failovers = billing_accounted.failovers + EXCLUDED.failovers,
             recoveries = billing_accounted.recoveries + EXCLUDED.recoveries,
             recovered_minor = billing_accounted.recovered_minor + EXCLUDED.recovered_minor""";

  private final Pool pool;

  public BillingStore(Pool pool) {
    this.pool = pool;
  }

  public record Customer(Instant createdAt, String tier) {
  }

  public record Snapshot(Instant generatedAt, JsonArray lines) {
  }

  public Future<Optional<Customer>> customer(UUID customerId) {
    return pool.preparedQuery(CUSTOMER).execute(Tuple.of(customerId)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(new Customer(rows.iterator().next().getOffsetDateTime(0).toInstant(),
            rows.iterator().next().getString(1))));
  }

  /** A page of customer ids in id order, after {@code after} (null: from the first). */
  public Future<List<UUID>> customerIds(UUID after, int limit) {
    return pool.preparedQuery(CUSTOMER_IDS).execute(Tuple.of(after, limit)).map(rows -> {
      List<UUID> ids = new ArrayList<>(rows.size());
      rows.forEach(row -> ids.add(row.getUUID(0)));
      return ids;
    });
  }

  /** Runs {@code work} holding the customer's row lock: finalizations of one customer take turns, on every node. */
  /** The pool, for reads that need no lock. */
  public SqlClient reads() {
    return pool;
  }

  public <T> Future<T> locked(UUID customerId, Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(connection -> connection.preparedQuery(LOCK_CUSTOMER).execute(Tuple.of(customerId))
        .compose(locked -> work.apply(connection)));
  }

  /** The last month with a final statement, if any; with the pool, or in a transaction. */
  public Future<Optional<LocalDate>> latestFinal(SqlClient client, UUID customerId) {
    return client.preparedQuery(LATEST).execute(Tuple.of(customerId))
        .map(rows -> Optional.ofNullable(rows.iterator().next().getLocalDate(0)));
  }

  public Future<Optional<Snapshot>> snapshot(UUID customerId, LocalDate period) {
    return pool.preparedQuery(SNAPSHOT).execute(Tuple.of(customerId, period)).map(rows -> rows.size() == 0
        ? Optional.empty()
        : Optional.of(new Snapshot(rows.iterator().next().getOffsetDateTime(0).toInstant(),
            (JsonArray) rows.iterator().next().getValue(1))));
  }

  public Future<Void> save(SqlConnection connection, UUID customerId, LocalDate period, Instant generatedAt,
                           JsonArray lines) {
    return connection.preparedQuery(SAVE).execute(Tuple.of(customerId, period, generatedAt.atOffset(ZoneOffset.UTC),
        lines)).mapEmpty();
  }

  public Future<List<CurrencyTotals>> accounted(SqlClient client, UUID customerId, LocalDate period) {
    return client.preparedQuery(ACCOUNTED).execute(Tuple.of(customerId, period)).map(rows -> {
      List<CurrencyTotals> totals = new ArrayList<>();
      rows.forEach(row -> totals.add(new CurrencyTotals(row.getString(0), row.getLong(1), row.getLong(2),
          row.getLong(3), row.getBigDecimal(4))));
      return totals;
    });
  }

  /** Adds what a final statement billed of {@code period}'s events. */
  public Future<Void> account(SqlConnection connection, UUID customerId, LocalDate period, List<CurrencyTotals> billed) {
    Future<Void> chain = Future.succeededFuture();
    for (CurrencyTotals t : billed) {
      chain = chain.compose(v -> connection.preparedQuery(ACCOUNT).execute(Tuple.of(customerId, period, t.currency(),
          t.events(), t.failovers(), t.recoveries(), t.recoveredMinor())).mapEmpty());
    }
    return chain;
  }
}
