package com.apisentinel.writer;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A constraint the validator does not know about stands in for "PostgreSQL refused some data":
 * the request carrying it must fail alone while the requests that shared its group commit succeed.
 */
class GroupCommitIsolationTest {

  /** A long flush delay makes concurrent requests share one batch. */
  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of("sentinel.writer.maxDelayMs", 300,
      "sentinel.writer.connections", 1));

  private static final String POISON = "poison-event";

  @BeforeAll
  static void addAConstraintTheValidatorDoesNotKnow() {
    RUNNING.database().execute("ALTER TABLE events ADD CONSTRAINT test_refuses_poison CHECK (event_id <> '" + POISON + "')");
  }

  @Test
  void oneRequestsBadDataNeverFailsAnotherRequestsEvents() {
    String apiKey = RUNNING.server().registerApiKey();
    List<String> good = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> others = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String id = Events.freshId();
      good.add(id);
      others.add(CompletableFuture.supplyAsync(() ->
          RUNNING.server().postJson("/api/v1/analytics/events", apiKey, Events.direct(id).encode())));
    }
    HttpResponse<String> poisoned = RUNNING.server().postJson("/api/v1/analytics/events", apiKey,
        Events.batch(Events.direct(POISON), Events.direct(Events.freshId())));

    assertThat(poisoned.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(poisoned.body()).getString("type")).endsWith("/rejected-by-storage");
    others.forEach(response -> assertThat(response.join().statusCode()).isEqualTo(202));
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM events")).isEqualTo(good.size());
  }
}
