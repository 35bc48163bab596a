package com.apisentinel.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Alert rules and the alerts they raised, always scoped by the calling customer. */
public final class AlertStore {

  /** Rules per customer: each is evaluated every few seconds. */
  public static final int MAX_RULES = 50;
  /** How much history {@code GET /api/v1/alerts} returns. */
  public static final int HISTORY = 200;

  private static final String RULE_COLUMNS = "id, kind, threshold, window_seconds, min_events, gateway, "
      + "resolve_threshold, for_seconds, state, created_at, updated_at";
  /** NO KEY: the writer's quota-lane inserts take a key-share lock on this row and must never wait for it. */
  private static final String LOCK_CUSTOMER = "SELECT 1 FROM customers WHERE id = $1 FOR NO KEY UPDATE";
  private static final String COUNT = "SELECT count(*) FROM alert_rules WHERE customer_id = $1";
  private static final String INSERT = """
      INSERT INTO alert_rules (id, customer_id, kind, threshold, window_seconds, min_events, gateway,
                               resolve_threshold, for_seconds)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      RETURNING\s""" + RULE_COLUMNS;
  private static final String LIST = "SELECT " + RULE_COLUMNS
      + " FROM alert_rules WHERE customer_id = $1 ORDER BY created_at, id";
  private static final String GET = "SELECT " + RULE_COLUMNS + " FROM alert_rules WHERE customer_id = $1 AND id = $2";
  /** A changed rule starts over: an open alert of it is resolved by the next evaluation if it no longer holds. */
  private static final String REPLACE = """
      UPDATE alert_rules
         SET kind = $3, threshold = $4, window_seconds = $5, min_events = $6, gateway = $7, resolve_threshold = $8,
             for_seconds = $9, pending_since = NULL, state = CASE WHEN state = 'pending' THEN 'ok' ELSE state END,
             updated_at = now()
       WHERE customer_id = $1 AND id = $2
      RETURNING\s""" + RULE_COLUMNS;
  private static final String DELETE = "DELETE FROM alert_rules WHERE customer_id = $1 AND id = $2";
  private static final String ALERTS = """
      SELECT id, rule_id, state, value, threshold, started_at, resolved_at FROM alerts
       WHERE customer_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2""";

  private final Pool pool;

  public AlertStore(Pool pool) {
    this.pool = pool;
  }

  /** A rule's settings, as the API takes them. */
  public record RuleSettings(String kind, BigDecimal threshold, int windowSeconds, int minEvents, String gateway,
                             BigDecimal resolveThreshold, int forSeconds) {
  }

  public record Rule(UUID id, RuleSettings settings, String state, Instant createdAt, Instant updatedAt) {
  }

  public record Alert(UUID id, UUID ruleId, String state, BigDecimal value, BigDecimal threshold, Instant startedAt,
                      Instant resolvedAt) {
  }

  public Future<Rule> create(UUID customerId, RuleSettings settings) {
    return pool.withTransaction(connection -> connection.preparedQuery(LOCK_CUSTOMER).execute(Tuple.of(customerId))
        .compose(locked -> connection.preparedQuery(COUNT).execute(Tuple.of(customerId)))
        .compose(count -> count.iterator().next().getLong(0) >= MAX_RULES
            ? Future.failedFuture(new LimitReachedException("at most " + MAX_RULES + " alert rules per customer"))
            : connection.preparedQuery(INSERT).execute(settingsTuple(Tuple.of(UUID.randomUUID(), customerId), settings))
                .map(rows -> rule(rows.iterator().next()))));
  }

  public Future<List<Rule>> list(UUID customerId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(customerId)).map(AlertStore::rules);
  }

  public Future<Optional<Rule>> get(UUID customerId, UUID id) {
    return pool.preparedQuery(GET).execute(Tuple.of(customerId, id)).map(AlertStore::first);
  }

  public Future<Optional<Rule>> replace(UUID customerId, UUID id, RuleSettings settings) {
    return pool.preparedQuery(REPLACE).execute(settingsTuple(Tuple.of(customerId, id), settings))
        .map(AlertStore::first);
  }

  public Future<Boolean> delete(UUID customerId, UUID id) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(customerId, id)).map(rows -> rows.rowCount() == 1);
  }

  /** The newest alerts, firing or resolved. */
  public Future<List<Alert>> alerts(UUID customerId) {
    return pool.preparedQuery(ALERTS).execute(Tuple.of(customerId, HISTORY)).map(rows -> {
      List<Alert> alerts = new ArrayList<>();
      rows.forEach(row -> alerts.add(new Alert(row.getUUID(0), row.getUUID(1), row.getString(2),
          row.getBigDecimal(3), row.getBigDecimal(4), instant(row, 5), instant(row, 6))));
      return alerts;
    });
  }

  private static Tuple settingsTuple(Tuple head, RuleSettings s) {
    return head.addString(s.kind()).addBigDecimal(s.threshold()).addInteger(s.windowSeconds())
        .addInteger(s.minEvents()).addString(s.gateway()).addBigDecimal(s.resolveThreshold())
        .addInteger(s.forSeconds());
  }

  private static List<Rule> rules(RowSet<Row> rows) {
    List<Rule> rules = new ArrayList<>();
    rows.forEach(row -> rules.add(rule(row)));
    return rules;
  }

  private static Optional<Rule> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(rule(rows.iterator().next()));
  }

  private static Rule rule(Row row) {
    return new Rule(row.getUUID(0), new RuleSettings(row.getString(1), row.getBigDecimal(2), row.getInteger(3),
        row.getInteger(4), row.getString(5), row.getBigDecimal(6), row.getInteger(7)), row.getString(8),
        instant(row, 9), instant(row, 10));
  }

  private static Instant instant(Row row, int column) {
    OffsetDateTime time = row.getOffsetDateTime(column);
    return time == null ? null : time.toInstant();
  }
}
