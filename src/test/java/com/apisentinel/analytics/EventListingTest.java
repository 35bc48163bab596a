package com.apisentinel.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventListingTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private static final int EVENTS = 5000;
  private static final Instant BASE = Instant.now().minus(4, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
  private static String key;
  private static final List<JsonObject> SENT = new ArrayList<>();

  @BeforeAll
  static void start() {
    key = RUNNING.server().registerApiKey();
    String[] gateways = {"stripe", "adyen", "braintree", "square"};
    for (int batch = 0; batch < EVENTS / 1000; batch++) {
      JsonArray events = new JsonArray();
      for (int i = 0; i < 1000; i++) {
        int n = batch * 1000 + i;
        String primary = gateways[n % gateways.length];
        boolean failover = n % 5 == 0;
        JsonObject event = new JsonObject().put("eventId", "e" + n)
            .put("occurredAt", BASE.plusMillis(n * 2000L + (n % 3)).toString())
            .put("primaryGateway", primary).put("gatewayUsed", failover ? "paypal" : primary)
            .put("failoverUsed", failover).put("success", n % 7 != 0).put("amount", n).put("currency", "USD");
        if (failover) {
          event.put("recoveryTimeMs", 100 + n % 900);
        }
        events.add(event);
        SENT.add(event);
      }
      HttpResponse<String> response = RUNNING.server().postJson("/api/v1/analytics/events", key,
          new JsonObject().put("events", events).encode());
      assertThat(new JsonObject(response.body()).getInteger("accepted")).isEqualTo(1000);
    }
  }

  private static HttpResponse<String> list(String bearer, String query) {
    return TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/api/v1/analytics/events" + query))
        .header("Authorization", "Bearer " + bearer).GET().build());
  }

  private static JsonObject page(String query) {
    HttpResponse<String> response = list(key, query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  @Test
  void pagingThroughFiveThousandEventsWhileInsertsContinueSeesEachExactlyOnce() {
    AtomicBoolean inserting = new AtomicBoolean(true);
    CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
      int written = 0;
      while (inserting.get()) {
        // New events both newer than everything and inside the range already paged through.
        RUNNING.server().postJson("/api/v1/analytics/events", key, Events.batch(Events.direct(Events.freshId()),
            Events.direct(Events.freshId()).put("occurredAt", BASE.plusSeconds(4000).toString())));
        written += 2;
      }
      return written;
    });
    Set<String> seen = new HashSet<>();
    List<String> order = new ArrayList<>();
    String query = "?limit=700&to=" + encode(BASE.plusSeconds(EVENTS * 2L).toString());
    int pages = 0;
    JsonObject page = page(query);
    while (true) {
      pages++;
      for (Object item : page.getJsonArray("events")) {
        String id = ((JsonObject) item).getString("eventId");
        assertThat(seen.add(id)).as("seen twice: " + id).isTrue();
        order.add(id);
      }
      String next = page.getString("nextCursor");
      if (next == null) {
        break;
      }
      page = page(query + "&cursor=" + next);
    }
    inserting.set(false);
    assertThat(writer.join()).isPositive();
    assertThat(pages).isGreaterThanOrEqualTo(8);
    assertThat(seen).containsAll(SENT.stream().map(e -> e.getString("eventId")).toList());
    List<String> original = order.stream().filter(id -> id.matches("e\\d+")).toList();
    assertThat(original.get(0)).isEqualTo("e" + (EVENTS - 1));
    assertThat(original.get(original.size() - 1)).isEqualTo("e0");
  }

  @Test
  void eventsComeBackAsSentWithReceivedAt() {
    JsonObject first = page("?limit=1&to=" + encode(BASE.plusSeconds(EVENTS * 2L).toString()))
        .getJsonArray("events").getJsonObject(0);
    JsonObject sent = SENT.get(EVENTS - 1);
    for (String field : sent.fieldNames()) {
      assertThat(first.getValue(field)).as(field).isEqualTo(sent.getValue(field));
    }
    assertThat(Instant.parse(first.getString("receivedAt"))).isAfter(BASE);
  }

  @Test
  void filtersNarrowTheListing() {
    String range = "&from=" + encode(BASE.toString()) + "&to=" + encode(BASE.plusSeconds(EVENTS * 2L).toString());
    JsonArray failed = page("?limit=1000&success=false" + range).getJsonArray("events");
    assertThat(failed).hasSize((int) SENT.stream().filter(e -> !e.getBoolean("success")).count());
    JsonArray failovers = page("?limit=1000&failoverUsed=true&success=true" + range).getJsonArray("events");
    assertThat(failovers).hasSize((int) SENT.stream()
        .filter(e -> e.getBoolean("failoverUsed") && e.getBoolean("success")).count());
    JsonObject adyen = page("?limit=1000&gateway=adyen" + range);
    JsonObject rest = page("?limit=1000&gateway=adyen" + range + "&cursor=" + adyen.getString("nextCursor"));
    assertThat(adyen.getJsonArray("events").size() + rest.getJsonArray("events").size()).isEqualTo(EVENTS / 4);
    assertThat(rest.getString("nextCursor")).isNull();
    assertThat(rest.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("primaryGateway")))
        .containsOnly("adyen");
    Instant from = BASE.plusSeconds(1000);
    Instant to = BASE.plusSeconds(2000);
    JsonArray window = page("?from=" + encode(from.toString()) + "&to=" + encode(to.toString()) + "&limit=1000")
        .getJsonArray("events");
    assertThat(window).hasSize((int) SENT.stream().map(e -> Instant.parse(e.getString("occurredAt")))
        .filter(at -> !at.isBefore(from) && at.isBefore(to)).count());
  }

  @Test
  void anotherCustomerSeesNoneOfTheseEvents() {
    String other = RUNNING.server().registerApiKey();
    JsonObject listing = new JsonObject(list(other, "?limit=1000").body());
    assertThat(listing.getJsonArray("events")).isEmpty();
    assertThat(listing.getString("nextCursor")).isNull();
  }

  @Test
  void invalidParametersAreA422NamingThem() {
    for (String query : new String[] {"?limit=0", "?limit=1001", "?limit=ten", "?cursor=bm90LWEtY3Vyc29y",
        "?success=maybe", "?gateway=visa", "?from=yesterday", "?sort=asc", "?from=%2B999999999-01-01T00:00:00Z",
        "?cursor=" + java.util.Base64.getUrlEncoder().encodeToString(("v1:" + Long.MIN_VALUE + ":x").getBytes()),
        "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"}) {
      HttpResponse<String> response = list(key, query);
      assertThat(response.statusCode()).as(query).isEqualTo(422);
      assertThat(new JsonObject(response.body()).getJsonArray("errors")).as(query).isNotEmpty();
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
