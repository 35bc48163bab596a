package com.apisentinel.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Webhook endpoints and their delivery history, always scoped by the calling customer: another
 * customer's endpoint or message id is simply not found. Signing secrets arrive and leave sealed
 * ({@code SecretBox}); this class never sees one in the clear.
 */
public final class WebhookStore {

  /** Endpoints per customer: each costs deliveries on every message. */
  public static final int MAX_ENDPOINTS = 10;

  private static final String ENDPOINT_COLUMNS = "id, url, description, event_types, enabled, disabled_reason, "
      + "created_at, updated_at";
  /** NO KEY: the writer's quota-lane inserts take a key-share lock on this row and must never wait for it. */
  private static final String LOCK_CUSTOMER = "SELECT 1 FROM customers WHERE id = $1 FOR NO KEY UPDATE";
  private static final String COUNT = "SELECT count(*) FROM webhook_endpoints WHERE customer_id = $1";
  private static final String INSERT = "INSERT INTO webhook_endpoints (id, customer_id, url, description, event_types, "
      + "secret_sealed) VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + ENDPOINT_COLUMNS;
  private static final String LIST = "SELECT " + ENDPOINT_COLUMNS
      + " FROM webhook_endpoints WHERE customer_id = $1 ORDER BY created_at, id";
  private static final String GET = "SELECT " + ENDPOINT_COLUMNS
      + " FROM webhook_endpoints WHERE customer_id = $1 AND id = $2";
  /** Null fields stay as they are; $6 true clears the event-type filter. Re-enabling clears the failure record. */
  private static final String UPDATE = """
      UPDATE webhook_endpoints
         SET url = coalesce($3, url), description = coalesce($4, description),
             event_types = CASE WHEN $6 THEN NULL ELSE coalesce($5, event_types) END,
             enabled = coalesce($7, enabled),
             disabled_reason = CASE WHEN $7 THEN NULL ELSE disabled_reason END,
             failing_since = CASE WHEN $7 THEN NULL ELSE failing_since END,
             updated_at = now()
       WHERE customer_id = $1 AND id = $2
      RETURNING\s""" + ENDPOINT_COLUMNS;
  private static final String DELETE = "DELETE FROM webhook_endpoints WHERE customer_id = $1 AND id = $2";
  /** The old secret signs beside the new one until $4, so receivers can switch without losing a message. */
  private static final String ROTATE = """
      UPDATE webhook_endpoints
         SET previous_secret_sealed = secret_sealed, previous_secret_expires_at = $4, secret_sealed = $3,
             updated_at = now()
       WHERE customer_id = $1 AND id = $2
      RETURNING\s""" + ENDPOINT_COLUMNS;
  /** $3, $4: the cursor (created_at, id) of the last row seen, or null; newest first. */
  private static final String DELIVERIES = """
      SELECT d.id, d.message_id, m.event_type, d.attempt, d.status, d.response_status, d.duration_ms,
             d.created_at, d.next_attempt_at
        FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id
       WHERE d.customer_id = $1 AND d.endpoint_id = $2
         AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3, $4::uuid))
       ORDER BY d.created_at DESC, d.id DESC
       LIMIT $5""";
  /** A new first attempt, with the same message id, on every enabled endpoint that was sent the message. */
  private static final String REPLAY = """
      INSERT INTO webhook_deliveries (id, message_id, endpoint_id, customer_id, attempt, status, next_attempt_at)
      SELECT gen_random_uuid(), m.id, e.id, m.customer_id, 1, 'pending', now()
        FROM webhook_messages m
        JOIN webhook_endpoints e ON e.customer_id = m.customer_id AND e.enabled
       WHERE m.customer_id = $1 AND m.id = $2
         AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.message_id = m.id AND d.endpoint_id = e.id)""";
  private static final String MESSAGE_EXISTS = "SELECT 1 FROM webhook_messages WHERE customer_id = $1 AND id = $2";

  private final Pool pool;

  public WebhookStore(Pool pool) {
    this.pool = pool;
  }

  public record Endpoint(UUID id, String url, String description, List<String> eventTypes, boolean enabled,
                         String disabledReason, Instant createdAt, Instant updatedAt) {
  }

  /** What PATCH changes; null fields stay, {@code allEventTypes} clears the filter. */
  public record EndpointChange(String url, String description, List<String> eventTypes, boolean allEventTypes,
                               Boolean enabled) {
  }

  public record Delivery(UUID id, String messageId, String eventType, int attempt, String status,
                         Integer responseStatus, Integer durationMs, Instant createdAt, Instant nextAttemptAt) {
  }

  /**
   * @param sealSecret seals the new endpoint's secret, bound to its id
   * @return the endpoint, or a failed future with {@link LimitReachedException}
   */
  public Future<Endpoint> create(UUID customerId, String url, String description, List<String> eventTypes,
                                 Function<UUID, byte[]> sealSecret) {
    UUID id = UUID.randomUUID();
    // The customer's row lock makes the count and the insert one step, however many requests race.
    return pool.withTransaction(connection -> connection.preparedQuery(LOCK_CUSTOMER).execute(Tuple.of(customerId))
        .compose(locked -> connection.preparedQuery(COUNT).execute(Tuple.of(customerId)))
        .compose(count -> count.iterator().next().getLong(0) >= MAX_ENDPOINTS
            ? Future.failedFuture(new LimitReachedException("at most " + MAX_ENDPOINTS + " webhook endpoints per customer"))
            : connection.preparedQuery(INSERT).execute(Tuple.of(id, customerId, url, description,
                eventTypes == null ? null : eventTypes.toArray(String[]::new), Buffer.buffer(
                    sealSecret.apply(id))))
                .map(rows -> endpoint(rows.iterator().next()))));
  }

  public Future<List<Endpoint>> list(UUID customerId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(customerId)).map(rows -> {
      List<Endpoint> endpoints = new ArrayList<>();
      rows.forEach(row -> endpoints.add(endpoint(row)));
      return endpoints;
    });
  }

  public Future<Optional<Endpoint>> get(UUID customerId, UUID id) {
    return pool.preparedQuery(GET).execute(Tuple.of(customerId, id)).map(WebhookStore::first);
  }

  public Future<Optional<Endpoint>> update(UUID customerId, UUID id, EndpointChange change) {
    return pool.preparedQuery(UPDATE).execute(Tuple.tuple().addUUID(customerId).addUUID(id).addString(change.url())
            .addString(change.description())
            .addArrayOfString(change.eventTypes() == null ? null : change.eventTypes().toArray(String[]::new))
            .addBoolean(change.allEventTypes()).addBoolean(change.enabled()))
        .map(WebhookStore::first);
  }

  /** @return whether the customer had such an endpoint */
  public Future<Boolean> delete(UUID customerId, UUID id) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(customerId, id)).map(rows -> rows.rowCount() == 1);
  }

  public Future<Optional<Endpoint>> rotate(UUID customerId, UUID id, byte[] sealedSecret, Instant previousUntil) {
    return pool.preparedQuery(ROTATE).execute(Tuple.of(customerId, id, Buffer.buffer(sealedSecret),
        previousUntil.atOffset(ZoneOffset.UTC))).map(WebhookStore::first);
  }

  /** A {@code webhook.test} message to this endpoint only; empty when the customer has no such endpoint. */
  public Future<Optional<String>> sendTest(UUID customerId, UUID endpointId) {
    return pool.withTransaction(connection -> connection.preparedQuery(GET).execute(Tuple.of(customerId, endpointId))
        .compose(rows -> rows.size() == 0
            ? Future.succeededFuture(Optional.<String>empty())
            : Outbox.enqueue(connection, customerId, "webhook.test",
                new JsonObject().put("endpointId", endpointId.toString()).put("message", "a test from API Sentinel"),
                endpointId).map(Optional::of)));
  }

  /** @param after the last delivery of the previous page, or null for the newest */
  public Future<List<Delivery>> deliveries(UUID customerId, UUID endpointId, Delivery after, int limit) {
    return pool.preparedQuery(DELIVERIES).execute(Tuple.of(customerId, endpointId,
            after == null ? null : after.createdAt().atOffset(ZoneOffset.UTC), after == null ? null : after.id(), limit))
        .map(rows -> {
          List<Delivery> deliveries = new ArrayList<>();
          rows.forEach(row -> deliveries.add(new Delivery(row.getUUID(0), row.getString(1), row.getString(2),
              row.getInteger(3), row.getString(4), row.getInteger(5), row.getInteger(6), instant(row, 7),
              instant(row, 8))));
          return deliveries;
        });
  }

  /** @return whether the customer has such a message (it is then queued again on its endpoints) */
  public Future<Boolean> replay(UUID customerId, String messageId) {
    return pool.withTransaction(connection -> connection.preparedQuery(MESSAGE_EXISTS)
        .execute(Tuple.of(customerId, messageId))
        .compose(found -> found.size() == 0
            ? Future.succeededFuture(false)
            : connection.preparedQuery(REPLAY).execute(Tuple.of(customerId, messageId)).map(true)));
  }

  private static Optional<Endpoint> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(endpoint(rows.iterator().next()));
  }

  private static Endpoint endpoint(Row row) {
    String[] types = row.getArrayOfStrings(3);
    return new Endpoint(row.getUUID(0), row.getString(1), row.getString(2), types == null ? null : List.of(types),
        row.getBoolean(4), row.getString(5), instant(row, 6), instant(row, 7));
  }

  private static Instant instant(Row row, int column) {
    OffsetDateTime time = row.getOffsetDateTime(column);
    return time == null ? null : time.toInstant();
  }
}
