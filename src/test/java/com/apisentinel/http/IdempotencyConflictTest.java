package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * API.md, Events: an eventId sent again with another payload is a conflict (409 for a single event,
 * status {@code conflict} in a batch); the stored event never changes. The same payload again stays
 * a duplicate, whatever the key order of its metadata and however the server defaulted occurredAt.
 */
class IdempotencyConflictTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();
  private static final String EVENTS = "/api/v1/analytics/events";

  private static HttpResponse<String> post(String apiKey, String body) {
    return RUNNING.server().postJson(EVENTS, apiKey, body);
  }

  private long storedAmount(String eventId) {
    return RUNNING.database().queryLong("SELECT amount FROM events WHERE event_id = '" + eventId + "'");
  }

  @Test
  void aSingleEventSentAgainWithAnotherPayloadIsA409AndChangesNothing() {
    String apiKey = RUNNING.server().registerApiKey();
    String id = Events.freshId();
    assertThat(post(apiKey, Events.direct(id).encode()).statusCode()).isEqualTo(202);

    HttpResponse<String> conflict = post(apiKey, Events.direct(id).put("amount", 1).encode());
    assertThat(conflict.statusCode()).isEqualTo(409);
    JsonObject problem = new JsonObject(conflict.body());
    assertThat(problem.getString("type")).endsWith("/idempotency-conflict");
    assertThat(problem.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("eventId");
    assertThat(storedAmount(id)).isEqualTo(1999);

    HttpResponse<String> same = post(apiKey, Events.direct(id).encode());
    assertThat(same.statusCode()).isEqualTo(202);
    assertThat(new JsonObject(same.body()).getString("status")).isEqualTo("duplicate");
  }

  @Test
  void everyFieldCountsButAnOccurredAtTheServerDefaulted() {
    String apiKey = RUNNING.server().registerApiKey();
    String id = Events.freshId();
    JsonObject event = Events.failover(id).put("primaryError", new JsonObject().put("code", "timeout"))
        .put("metadata", new JsonObject().put("order", "A-1").put("attempt", 2));
    assertThat(post(apiKey, event.encode()).statusCode()).isEqualTo(202);

    JsonObject reordered = event.copy().put("metadata", new JsonObject().put("attempt", 2).put("order", "A-1"));
    assertThat(post(apiKey, reordered.encode()).statusCode()).as("metadata compares as JSON, not text").isEqualTo(202);
    for (JsonObject changed : new JsonObject[] {event.copy().put("latencyMs", 841),
        event.copy().put("recoveryTimeMs", 1201), event.copy().put("currency", "EUR"),
        event.copy().put("primaryError", new JsonObject().put("code", "timeout").put("httpStatus", 504)),
        event.copy().put("metadata", new JsonObject().put("order", "A-2").put("attempt", 2)),
        event.copy().put("occurredAt", Instant.now().minus(1, ChronoUnit.HOURS).toString())}) {
      assertThat(post(apiKey, changed.encode()).statusCode()).as(changed.encode()).isEqualTo(409);
    }
  }

  @Test
  void aBatchReportsEachConflictAndStoresTheRest() {
    String apiKey = RUNNING.server().registerApiKey();
    String stored = Events.freshId();
    assertThat(post(apiKey, Events.direct(stored).encode()).statusCode()).isEqualTo(202);
    String fresh = Events.freshId();
    String repeated = Events.freshId();

    HttpResponse<String> answer = post(apiKey, Events.batch(Events.direct(stored).put("amount", 7),
        Events.direct(fresh), Events.direct(repeated), Events.direct(repeated).put("success", false),
        Events.direct(repeated)));
    assertThat(answer.statusCode()).isEqualTo(202);
    JsonObject body = new JsonObject(answer.body());
    assertThat(body.getInteger("accepted")).isEqualTo(2);
    assertThat(body.getInteger("duplicates")).isEqualTo(1);
    assertThat(body.getInteger("conflicts")).isEqualTo(2);
    assertThat(body.getInteger("rejected")).isZero();
    assertThat(body.getJsonArray("results").stream().map(r -> ((JsonObject) r).getString("status")))
        .containsExactly("conflict", "accepted", "accepted", "conflict", "duplicate");
    assertThat(storedAmount(stored)).isEqualTo(1999);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM events WHERE event_id = '" + repeated
        + "' AND success")).isEqualTo(1);
  }

  @Test
  void aRepeatWithinOneBatchIsComparedAsJsonToo() {
    String apiKey = RUNNING.server().registerApiKey();
    String id = Events.freshId();
    JsonObject first = Events.direct(id).put("metadata", new JsonObject().put("order", "A-1").put("attempt", 2));
    JsonObject reordered = Events.direct(id).put("metadata", new JsonObject().put("attempt", 2.0).put("order", "A-1"));

    JsonObject body = new JsonObject(post(apiKey, Events.batch(first, reordered)).body());
    assertThat(body.getJsonArray("results").stream().map(r -> ((JsonObject) r).getString("status")))
        .containsExactly("accepted", "duplicate");
  }
}
