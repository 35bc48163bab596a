package com.apisentinel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a stolen backup would reveal: a pg_dump of a database that has seen every kind of secret. */
class SecretsAtRestTest {

  @Test
  void aDatabaseDumpHoldsNoPasswordKeyOrToken() throws Exception {
    try (TestDatabase database = TestDatabase.create(SecretsAtRestTest.class);
         TestServer server = TestServer.start(database.url())) {
      JsonObject me = server.register();
      String email = me.getJsonObject("customer").getString("email");
      String login = server.postJson("/api/v1/customers/login", null,
          new JsonObject().put("email", email).put("password", "correct horse battery").encode()).body();
      JsonObject session = new JsonObject(login);
      String refreshed = server.postJson("/api/v1/auth/refresh", null,
          new JsonObject().put("refreshToken", session.getString("refreshToken")).encode()).body();

      String dump = pgDump(database.name());

      assertThat(dump).contains(email);
      assertThat(dump).doesNotContain("correct horse battery");
      assertThat(dump).doesNotContain(me.getJsonObject("apiKey").getString("key"));
      assertThat(dump).contains(me.getJsonObject("apiKey").getString("prefix"));
      for (JsonObject pair : new JsonObject[] {me, session, new JsonObject(refreshed)}) {
        assertThat(dump).doesNotContain(pair.getString("refreshToken"));
        assertThat(dump).doesNotContain(pair.getString("accessToken"));
      }
    }
  }

  private static String pgDump(String database) throws IOException, InterruptedException {
    String[] hostPort = TestDatabase.HOST_PORT.split(":");
    Process process = new ProcessBuilder("pg_dump", "-h", hostPort[0], "-p", hostPort[1], "-U", "postgres",
        "--data-only", database).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
