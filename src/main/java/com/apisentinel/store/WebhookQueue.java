package com.apisentinel.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The delivery worker's side of {@code webhook_deliveries}: it claims due attempts with a lease
 * (rows another transaction holds are skipped, so two workers never send the same attempt), and
 * records each outcome, queueing the next attempt in the same statement. An attempt whose worker
 * died keeps its lease only until {@code lease_until}; it is then due again, never lost.
 */
public final class WebhookQueue {

  /** $1 how many, $2 lease seconds, $3 endpoints not to claim for (their concurrency is spent). */
  private static final String CLAIM = """
      UPDATE webhook_deliveries d SET lease_until = now() + make_interval(secs => $2)
        FROM (SELECT dd.id FROM webhook_deliveries dd
                JOIN webhook_endpoints en ON en.id = dd.endpoint_id AND en.enabled
               WHERE dd.status = 'pending' AND dd.next_attempt_at <= now()
                 AND (dd.lease_until IS NULL OR dd.lease_until < now())
                 AND dd.endpoint_id <> ALL($3::uuid[])
               ORDER BY dd.next_attempt_at
               LIMIT $1
                 FOR UPDATE OF dd SKIP LOCKED) due,
             webhook_messages m, webhook_endpoints e
       WHERE d.id = due.id AND m.id = d.message_id AND e.id = d.endpoint_id
      RETURNING d.id, d.message_id, d.attempt, d.endpoint_id, e.url, e.secret_sealed, e.previous_secret_sealed,
                e.previous_secret_expires_at, m.payload::text""";
  private static final String RELEASE = "UPDATE webhook_deliveries SET lease_until = NULL WHERE id = ANY($1::uuid[])";
  private static final String RELEASE_ALL = """
      UPDATE webhook_deliveries SET lease_until = NULL WHERE status = 'pending' AND lease_until IS NOT NULL""";
  private static final String SUCCEEDED = """
      WITH d AS (
        UPDATE webhook_deliveries SET status = 'succeeded', response_status = $2, duration_ms = $3,
               lease_until = NULL, next_attempt_at = NULL
         WHERE id = $1 AND status = 'pending'
        RETURNING endpoint_id
      )
      UPDATE webhook_endpoints SET failing_since = NULL FROM d WHERE webhook_endpoints.id = d.endpoint_id""";
  /**
   * $5 when the next attempt is due (null: none), $6 why the endpoint is disabled now (410) or null.
   * An endpoint that has failed for five days without one success is disabled too.
   */
  private static final String FAILED = """
      WITH d AS (
        UPDATE webhook_deliveries SET status = 'failed', response_status = $2, duration_ms = $3, error = $4,
               lease_until = NULL, next_attempt_at = $5
         WHERE id = $1 AND status = 'pending'
        RETURNING message_id, endpoint_id, customer_id, attempt
      ), retry AS (
        INSERT INTO webhook_deliveries (id, message_id, endpoint_id, customer_id, attempt, status, next_attempt_at)
        SELECT gen_random_uuid(), message_id, endpoint_id, customer_id, attempt + 1, 'pending', $5
          FROM d WHERE $5::timestamptz IS NOT NULL
      )
      UPDATE webhook_endpoints e
         SET failing_since = coalesce(e.failing_since, now()),
             enabled = e.enabled AND $6::text IS NULL AND coalesce(e.failing_since, now()) > now() - interval '5 days',
             disabled_reason = CASE WHEN $6::text IS NOT NULL THEN $6
                                    WHEN coalesce(e.failing_since, now()) <= now() - interval '5 days'
                                    THEN 'failing for 5 days' ELSE e.disabled_reason END
        FROM d WHERE e.id = d.endpoint_id""";

  private final Pool pool;

  public WebhookQueue(Pool pool) {
    this.pool = pool;
  }

  /** An attempt to make now. Secrets are sealed; the previous one signs until {@code previousUntil}. */
  public record Attempt(UUID id, String messageId, int attempt, UUID endpointId, String url, byte[] secretSealed,
                        byte[] previousSecretSealed, Instant previousUntil, String body) {
  }

  public Future<List<Attempt>> claim(int limit, int leaseSeconds, Collection<UUID> saturatedEndpoints) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, leaseSeconds, saturatedEndpoints.toArray(UUID[]::new)))
        .map(rows -> {
          List<Attempt> attempts = new ArrayList<>();
          for (Row row : rows) {
            OffsetDateTime previousUntil = row.getOffsetDateTime(7);
            attempts.add(new Attempt(row.getUUID(0), row.getString(1), row.getInteger(2), row.getUUID(3),
                row.getString(4), row.getBuffer(5).getBytes(),
                row.getBuffer(6) == null ? null : row.getBuffer(6).getBytes(),
                previousUntil == null ? null : previousUntil.toInstant(), row.getString(8)));
          }
          return attempts;
        });
  }

  /** Gives attempts back unsent, due as they were. */
  public Future<Void> release(Collection<UUID> attempts) {
    return attempts.isEmpty() ? Future.succeededFuture()
        : pool.preparedQuery(RELEASE).execute(Tuple.of((Object) attempts.toArray(UUID[]::new))).mapEmpty();
  }

  /**
   * Called by a node that just became the one that delivers: every lease left is its predecessor's,
   * whose attempts died with it (or, cut off, may still land: a receiver may see a message twice,
   * never zero times), so they are due again now rather than when their lease runs out.
   * @return how many attempts were taken over
   */
  public Future<Integer> releaseAll() {
    return pool.query(RELEASE_ALL).execute().map(rows -> rows.rowCount());
  }

  public Future<Void> succeeded(UUID attempt, int responseStatus, int durationMs) {
    return pool.preparedQuery(SUCCEEDED).execute(Tuple.of(attempt, responseStatus, durationMs)).mapEmpty();
  }

  /**
   * @param responseStatus null when no answer came
   * @param nextAttemptAt  null when this was the last attempt
   * @param disableReason  non-null to disable the endpoint now (it answered 410 Gone)
   */
  public Future<Void> failed(UUID attempt, Integer responseStatus, int durationMs, String error, Instant nextAttemptAt,
                             String disableReason) {
    return pool.preparedQuery(FAILED).execute(Tuple.tuple().addUUID(attempt).addInteger(responseStatus)
            .addInteger(durationMs).addString(error)
            .addOffsetDateTime(nextAttemptAt == null ? null : nextAttemptAt.atOffset(ZoneOffset.UTC))
            .addString(disableReason))
        .mapEmpty();
  }
}
