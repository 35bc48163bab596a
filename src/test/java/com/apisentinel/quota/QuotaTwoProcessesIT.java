package com.apisentinel.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.QuotaFill;
import com.apisentinel.support.ServerProcess;
import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two server processes on one database, one customer sending through both: its quota stays exact. */
class QuotaTwoProcessesIT {

  private static final long QUOTA = 1500;

  @Test
  void twoProcessesFillTheQuotaExactlyAndThenBothRefuse() throws Exception {
    Path config = Files.createTempFile("sentinel-quota", ".conf");
    Files.writeString(config, "include file(\"" + Path.of("config/sentinel.conf").toAbsolutePath() + "\")\n"
        + "sentinel.plans.free { monthlyEvents = " + QUOTA + ", requestsPerSecond = 100000, burst = 100000 }\n");
    Map<String, String> environment = Map.of("SENTINEL_CONFIG_FILE", config.toString());
    try (TestDatabase database = TestDatabase.create(QuotaTwoProcessesIT.class);
         ServerProcess first = ServerProcess.start(database.url(), environment);
         ServerProcess second = ServerProcess.start(database.url(), environment)) {
      String apiKey = register(first);

      QuotaFill.Result result = QuotaFill.fill(List.of(first.uri("/"), second.uri("/")), apiKey, 12);

      assertThat(result.accepted()).isEqualTo(QUOTA);
      assertThat(database.queryLong("SELECT count(*) FROM events")).isEqualTo(QUOTA);
      assertThat(database.queryLong("SELECT count(*) FROM events WHERE event_id IN ('"
          + String.join("','", result.refused()) + "')")).isZero();
      for (ServerProcess node : List.of(first, second)) {
        HttpResponse<String> refused = QuotaFill.send(node.uri("/"), apiKey, QuotaFill.ids(1));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("X-Quota-Remaining")).hasValue("0");
      }
    }
  }

  private static String register(ServerProcess node) {
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(node.uri("/api/v1/customers/register"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("email", "two-" + System.nanoTime()
            + "@example.com").put("password", "correct horse battery").put("companyName", "Two").encode())).build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return new JsonObject(response.body()).getJsonObject("apiKey").getString("key");
  }
}
