package com.apisentinel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Events;
import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * While a stopping server waits for its requests in flight, a request that arrives is told at once
 * to go elsewhere (503 + Retry-After, Connection: close) instead of finding the port closed, and the
 * request in flight still completes and is stored.
 */
class DrainTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void requestsArrivingDuringTheDrainAreA503AtOnceWhileTheOneInFlightFinishes() throws Exception {
    try (TestDatabase database = TestDatabase.create(DrainTest.class)) {
      TestServer server = TestServer.start(database.url());
      String apiKey = server.registerApiKey();
      String eventId = Events.freshId();
      byte[] body = Events.direct(eventId).encode().getBytes(StandardCharsets.UTF_8);
      try (Socket inFlight = new Socket("127.0.0.1", server.port())) {
        inFlight.setSoTimeout(10_000);
        OutputStream out = inFlight.getOutputStream();
        out.write(("POST /api/v1/analytics/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + apiKey
            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, 10); // the head is in, the body is not: the request is in flight
        out.flush();
        Thread.sleep(300);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
        AtomicReference<HttpResponse<String>> refused = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
          refused.set(HTTP.send(HttpRequest.newBuilder(server.uri("/health")).timeout(Duration.ofSeconds(1)).build(),
              HttpResponse.BodyHandlers.ofString()));
          return refused.get().statusCode() == 503;
        });
        assertThat(refused.get().headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.get().headers().firstValue("Connection")).hasValue("close");
        JsonObject problem = new JsonObject(refused.get().body());
        assertThat(problem.getString("type")).endsWith("/shutting-down");
        assertThat(refused.get().headers().firstValue("X-Request-Id")).hasValue(problem.getString("requestId"));
        assertThat(stopping).isNotDone();

        out.write(body, 10, body.length - 10);
        out.flush();
        String answer = new String(inFlight.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertThat(answer).isEqualTo("HTTP/1.1 202");
        stopping.get(10, TimeUnit.SECONDS);
      }
      assertThat(database.queryLong("SELECT count(*) FROM events WHERE event_id = '" + eventId + "'")).isOne();
    }
  }
}
