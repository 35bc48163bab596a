package com.apisentinel.writer;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RestartIdempotencyTest {

  private static TestDatabase database;

  @BeforeAll
  static void createDatabase() {
    database = TestDatabase.create(RestartIdempotencyTest.class);
  }

  @AfterAll
  static void dropDatabase() {
    database.close();
  }

  @Test
  void repeatedEventIdAcrossRestartIsADuplicate() {
    String id = Events.freshId();
    String apiKey;
    try (TestServer first = TestServer.start(database.url())) {
      apiKey = first.registerApiKey();
      assertThat(first.postJson("/api/v1/analytics/events", apiKey, Events.failover(id).encode()).statusCode())
          .isEqualTo(202);
    }
    try (TestServer second = TestServer.start(database.url())) {
      var retry = second.postJson("/api/v1/analytics/events", apiKey, Events.failover(id).encode());
      assertThat(retry.statusCode()).isEqualTo(202);
      assertThat(new JsonObject(retry.body()).getString("status")).isEqualTo("duplicate");
      var batchRetry = second.postJson("/api/v1/analytics/events", apiKey, Events.batch(Events.failover(id)));
      assertThat(new JsonObject(batchRetry.body()).getInteger("duplicates")).isEqualTo(1);
    }
    assertThat(database.queryLong("SELECT count(*) FROM events WHERE event_id = '" + id + "'")).isEqualTo(1);
  }
}
