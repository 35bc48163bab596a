package com.apisentinel.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.UUID;

/**
 * Webhook messages, written in the caller's transaction together with the change that causes
 * them: one row in {@code webhook_messages} and a first, due attempt for every enabled endpoint
 * of the customer that takes the type. A crash therefore never loses a message nor sends one for a
 * change that was rolled back. The message id is the {@code webhook-id} every attempt carries.
 */
public final class Outbox {

  /**
   * $1 id, $2 customer, $3 type, $4 payload, $5 one endpoint only (test messages) or null. One
   * statement: the deliveries reference the message inserted beside them, which PostgreSQL checks
   * at the end of the statement.
   */
  private static final String ENQUEUE = """
      WITH message AS (
        INSERT INTO webhook_messages (id, customer_id, event_type, payload) VALUES ($1, $2, $3, $4::jsonb)
      )
      INSERT INTO webhook_deliveries (id, message_id, endpoint_id, customer_id, attempt, status, next_attempt_at)
      SELECT gen_random_uuid(), $1, e.id, $2, 1, 'pending', now()
        FROM webhook_endpoints e
       WHERE e.customer_id = $2 AND e.enabled
         AND ($5::uuid IS NULL AND (e.event_types IS NULL OR $3 = ANY(e.event_types)) OR e.id = $5)""";

  private Outbox() {
  }

  /** A new message id: {@code msg_} and 32 hex digits. */
  private static String newMessageId() {
    return "msg_" + UUID.randomUUID().toString().replace("-", "");
  }

  /** @return the message id */
  public static Future<String> enqueue(SqlClient client, UUID customerId, String type, JsonObject data,
                                       UUID onlyEndpoint) {
    String id = newMessageId();
    JsonObject payload = new JsonObject().put("type", type).put("timestamp", Instant.now().toString())
        .put("data", data);
    return client.preparedQuery(ENQUEUE).execute(Tuple.of(id, customerId, type, payload, onlyEndpoint))
        .map(id);
  }
}
