package com.apisentinel.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Expired revocations and refresh tokens do not pile up: a server deletes them shortly after start. */
class SessionPurgeTest {

  @Test
  void expiredRowsArePurgedAndLiveOnesKept() {
    try (TestDatabase database = TestDatabase.create(SessionPurgeTest.class)) {
      String customerId;
      try (TestServer first = TestServer.start(database.url())) {
        JsonObject me = first.register();
        customerId = me.getJsonObject("customer").getString("id");
      }
      database.execute("INSERT INTO token_revocations (id, kind, expires_at) VALUES "
          + "(gen_random_uuid(), 'token', now() - interval '1 hour'), "
          + "(gen_random_uuid(), 'family', now() + interval '1 hour')");
      database.execute("INSERT INTO refresh_tokens (id, family_id, customer_id, token_hash, expires_at) VALUES "
          + "(gen_random_uuid(), gen_random_uuid(), '" + customerId + "', sha256('expired'::bytea), now() - interval '1 day')");
      assertThat(database.queryLong("SELECT count(*) FROM refresh_tokens")).isEqualTo(2);

      try (TestServer second = TestServer.start(database.url())) {
        await().atMost(Duration.ofSeconds(20)).until(() ->
            database.queryLong("SELECT count(*) FROM token_revocations WHERE expires_at < now()") == 0
                && database.queryLong("SELECT count(*) FROM refresh_tokens WHERE expires_at < now()") == 0);
        assertThat(database.queryLong("SELECT count(*) FROM token_revocations")).as("live revocation kept")
            .isEqualTo(1);
        assertThat(database.queryLong("SELECT count(*) FROM refresh_tokens")).as("live session kept").isEqualTo(1);
      }
    }
  }
}
