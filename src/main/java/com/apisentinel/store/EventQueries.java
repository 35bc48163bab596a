package com.apisentinel.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Reads of raw events, always for one customer, newest first, keyset-paged on
 * (occurred_at, event_id): the index {@code events_customer_time} serves both the order and the
 * position, so page 1,000 costs what page 1 costs, and rows inserted meanwhile never shift a page.
 */
public final class EventQueries {

  private static final String PAGE = """
      SELECT event_id, occurred_at, received_at, primary_gateway, gateway_used, failover_used, success, amount,
             currency, latency_ms, recovery_time_ms, primary_error_code, primary_error_http_status,
             primary_error_message, metadata::text AS metadata
        FROM events
       WHERE customer_id = $1
         AND ($2::timestamptz IS NULL OR occurred_at >= $2)
         AND ($3::timestamptz IS NULL OR occurred_at < $3)
         AND ($4::text IS NULL OR primary_gateway = $4 OR gateway_used = $4)
         AND ($5::bool IS NULL OR success = $5)
         AND ($6::bool IS NULL OR failover_used = $6)
         AND ($7::timestamptz IS NULL OR (occurred_at, event_id) < ($7, $8::text))
       ORDER BY occurred_at DESC, event_id DESC
       LIMIT $9""";

  public static final long READ_TIMEOUT_MS = 12_000;

  private final Pool pool;

  public EventQueries(Pool pool) {
    this.pool = pool;
  }

  /** Null filters do not filter; {@code gateway} matches either the primary or the final gateway. */
  public record Filter(UUID customerId, Instant from, Instant to, String gateway, Boolean success,
                       Boolean failoverUsed) {
  }

  /** A position in the newest-first order: the last row of the previous page. */
  public record Position(Instant occurredAt, String eventId) {
  }

  public record StoredEvent(JsonObject json, Position position) {
  }

  /** @return up to {@code limit} events after {@code after} (null: from the newest) */
  public Future<List<StoredEvent>> page(Filter filter, Position after, int limit) {
    Tuple params = Tuple.of(filter.customerId(), utc(filter.from()), utc(filter.to()), filter.gateway(),
        filter.success(), filter.failoverUsed())
        .addValue(after == null ? null : utc(after.occurredAt()))
        .addValue(after == null ? null : after.eventId())
        .addValue(limit);
    return pool.preparedQuery(PAGE).execute(params).timeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS).map(rows -> {
      List<StoredEvent> events = new ArrayList<>(rows.size());
      for (Row row : rows) {
        Instant occurredAt = row.getOffsetDateTime("occurred_at").toInstant();
        events.add(new StoredEvent(toJson(row, occurredAt), new Position(occurredAt, row.getString("event_id"))));
      }
      return events;
    });
  }

  private static JsonObject toJson(Row row, Instant occurredAt) {
    JsonObject json = new JsonObject()
        .put("eventId", row.getString("event_id"))
        .put("occurredAt", occurredAt.toString())
        .put("receivedAt", row.getOffsetDateTime("received_at").toInstant().toString())
        .put("primaryGateway", row.getString("primary_gateway"))
        .put("gatewayUsed", row.getString("gateway_used"))
        .put("failoverUsed", row.getBoolean("failover_used"))
        .put("success", row.getBoolean("success"))
        .put("amount", row.getLong("amount"))
        .put("currency", row.getString("currency"))
        .put("latencyMs", row.getInteger("latency_ms"))
        .put("recoveryTimeMs", row.getInteger("recovery_time_ms"));
    if (row.getString("primary_error_code") != null) {
      json.put("primaryError", new JsonObject().put("code", row.getString("primary_error_code"))
          .put("httpStatus", row.getInteger("primary_error_http_status"))
          .put("message", row.getString("primary_error_message")));
    }
    String metadata = row.getString("metadata");
    json.put("metadata", metadata == null ? null : new JsonObject(metadata));
    return json;
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
