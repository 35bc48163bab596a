package com.apisentinel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.apisentinel.config.JwtKeys;
import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** synchronous_commit=off set on the test database only: the shared server stays durable. */
class DurabilityGuardTest {

  private static TestDatabase database;

  @BeforeAll
  static void createUnsafeDatabase() {
    database = TestDatabase.create(DurabilityGuardTest.class);
    database.execute("ALTER DATABASE " + database.name() + " SET synchronous_commit = off");
  }

  @AfterAll
  static void dropDatabase() {
    database.close();
  }

  @Test
  void prodRefusesToStartWhenCommitsCanVanish() {
    JwtKeys.Pem keys = JwtKeys.generate();
    assertThatThrownBy(() -> TestServer.start(database.url(),
        Map.of("sentinel.profile", "prod", "sentinel.security.adminToken", "a".repeat(32),
            "sentinel.security.jwt.privateKey", keys.privateKey(), "sentinel.security.jwt.publicKey", keys.publicKey(),
            "sentinel.webhooks.secretsKey", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")))
        .hasMessageContaining("synchronous_commit=off");
  }

  @Test
  void devStartsWithAWarning() {
    try (TestServer server = TestServer.start(database.url())) {
      assertThat(server.get("/health").statusCode()).isEqualTo(200);
    }
  }
}
