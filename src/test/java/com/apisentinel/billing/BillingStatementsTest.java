package com.apisentinel.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Events;
import com.apisentinel.support.MovableClock;
import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Statements against the stored events: the guide's worked example, exactness against a SQL sum
 * across currencies, month edges and duplicates, before and after compaction, and a final month
 * that never changes while its late events are billed in the next one. The server's clock is moved;
 * every month after the customer's registration up to it is billed.
 */
class BillingStatementsTest {

  private static final String ADMIN_TOKEN = "admin-token-for-billing-tests-0123456789abcdef";
  private static TestDatabase database;
  private static MovableClock clock;
  private static TestServer server;

  @BeforeAll
  static void start() {
    database = TestDatabase.create(BillingStatementsTest.class);
    clock = new MovableClock(Instant.parse("2027-03-15T12:00:00Z"));
    server = TestServer.start(database.url(), Map.of("sentinel.plans.free.monthlyEvents", 0,
        "sentinel.security.adminToken", ADMIN_TOKEN), clock);
  }

  @AfterAll
  static void stop() {
    try {
      server.close();
    } finally {
      database.close();
    }
  }

  private static JsonObject statement(String apiKey, String period) {
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(server.uri("/api/v1/billing/statements/"
        + period)).header("Authorization", "Bearer " + apiKey).GET().build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static void ingest(String apiKey, List<JsonObject> events) {
    for (int from = 0; from < events.size(); from += 500) {
      HttpResponse<String> response = server.postJson("/api/v1/analytics/events", apiKey, new JsonObject()
          .put("events", new JsonArray(new ArrayList<>(events.subList(from, Math.min(events.size(), from + 500)))))
          .encode());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }
  }

  private static String customerId(String apiKey) {
    return new JsonObject(TestServer.send(HttpRequest.newBuilder(server.uri("/api/v1/usage"))
        .header("Authorization", "Bearer " + apiKey).GET().build()).body()).getString("customerId", null);
  }

  /** currency → [events, failovers, recoveries, recovered minor], straight from the events table. */
  private static Map<String, List<Long>> sqlSums(String apiKey, String from, String to) throws Exception {
    Map<String, List<Long>> sums = new TreeMap<>();
    try (Connection connection = database.connect(); PreparedStatement query = connection.prepareStatement("""
        SELECT e.currency, count(*), count(*) FILTER (WHERE failover_used),
               count(*) FILTER (WHERE failover_used AND success),
               coalesce(sum(amount) FILTER (WHERE failover_used AND success), 0)
          FROM events e JOIN api_keys k ON k.customer_id = e.customer_id
         WHERE k.key_hash = sha256(convert_to(?, 'UTF8'))
           AND occurred_at >= ?::timestamptz AND occurred_at < ?::timestamptz
         GROUP BY e.currency""")) {
      query.setString(1, apiKey);
      query.setString(2, from);
      query.setString(3, to);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          sums.put(rows.getString(1).strip(), List.of(rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5)));
        }
      }
    }
    return sums;
  }

  private static Map<String, List<Long>> ownLines(JsonObject statement) {
    Map<String, List<Long>> lines = new TreeMap<>();
    for (Object item : statement.getJsonArray("lines")) {
      JsonObject line = (JsonObject) item;
      if (line.getString("lateAdjustment") == null) {
        lines.put(line.getString("currency"), List.of(line.getLong("events"), line.getLong("failoverEvents"),
            line.getLong("recoveries"), line.getLong("recoveredMinor")));
      }
    }
    return lines;
  }

  @Test
  void theGuidesWorkedExampleRecoveringTwelveThousandDollarsCostsTwoHundredForty() {
    String apiKey = server.registerApiKey();
    List<JsonObject> recovered = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      recovered.add(Events.failover(Events.freshId()).put("amount", 100_000).put("currency", "USD")
          .put("occurredAt", "2027-03-10T10:00:00Z"));
    }
    ingest(apiKey, recovered);

    JsonObject march = statement(apiKey, "2027-03");

    assertThat(march.getString("status")).isEqualTo("open");
    JsonObject line = march.getJsonArray("lines").getJsonObject(0);
    assertThat(line.getLong("recoveredMinor")).isEqualTo(1_200_000);
    assertThat(line.getInteger("feeBasisPoints")).isEqualTo(200);
    assertThat(line.getLong("feeMinor")).isEqualTo(24_000);
    assertThat(line.getInteger("exponent")).isEqualTo(2);
    assertThat(march.getJsonObject("totals").getJsonObject("USD").getDouble("fee")).isEqualTo(240.0);
    assertThat(march.getJsonObject("totals").getJsonObject("USD").getDouble("recovered")).isEqualTo(12_000.0);
  }

  @Test
  void aStatementEqualsTheSqlSumOverTheEventsAcrossCurrenciesEdgesAndDuplicatesWhateverTheCompaction()
      throws Exception {
    String apiKey = server.registerApiKey();
    Random random = new Random(20);
    List<JsonObject> events = new ArrayList<>();
    String[] currencies = {"USD", "JPY", "BHD", "EUR"};
    String[] times = {"2027-02-28T23:59:59.999Z", "2027-03-01T00:00:00Z", "2027-03-07T08:15:00Z",
        "2027-03-14T23:59:59.999Z"};
    for (int i = 0; i < 400; i++) {
      JsonObject event = (random.nextInt(3) == 0 ? Events.direct(Events.freshId()) : Events.failover(Events.freshId()))
          .put("currency", currencies[random.nextInt(currencies.length)]).put("amount", 1 + random.nextInt(999_999))
          .put("success", random.nextInt(5) != 0).put("occurredAt", times[random.nextInt(times.length)]);
      events.add(event);
    }
    ingest(apiKey, events);
    ingest(apiKey, events.subList(0, 100)); // duplicates never count

    Map<String, List<Long>> march = sqlSums(apiKey, "2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z");
    Map<String, List<Long>> february = sqlSums(apiKey, "2027-02-01T00:00:00Z", "2027-03-01T00:00:00Z");
    assertThat(march).isNotEmpty();
    assertThat(february).isNotEmpty();
    assertThat(ownLines(statement(apiKey, "2027-03"))).isEqualTo(march);
    assertThat(ownLines(statement(apiKey, "2027-02"))).isEqualTo(february);

    await().atMost(Duration.ofSeconds(20)).until(() -> database.queryLong("SELECT count(*) FROM rollup_parts") == 0);
    assertThat(ownLines(statement(apiKey, "2027-03"))).as("after compaction").isEqualTo(march);
    JsonObject bhd = statement(apiKey, "2027-03").getJsonArray("lines").stream().map(JsonObject.class::cast)
        .filter(line -> line.getString("currency").equals("BHD")).findFirst().orElseThrow();
    assertThat(bhd.getInteger("exponent")).isEqualTo(3);
    assertThat(bhd.getLong("feeMinor")).isEqualTo(new java.math.BigDecimal(bhd.getLong("recoveredMinor"))
        .multiply(java.math.BigDecimal.valueOf(2)).divide(java.math.BigDecimal.valueOf(100), 0,
            java.math.RoundingMode.HALF_EVEN).longValueExact());
  }

  @Test
  void theOperatorExportsEveryCustomersStatementOfAMonth() {
    String first = server.registerApiKey();
    String second = server.registerApiKey();
    ingest(second, List.of(Events.failover(Events.freshId()).put("amount", 1_234).put("currency", "JPY")
        .put("occurredAt", "2027-03-11T10:00:00Z")));

    HttpResponse<String> refused = TestServer.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/billing/2027-03"))
        .header("Authorization", "Bearer " + first).GET().build());
    HttpResponse<String> exported = TestServer.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/billing/2027-03"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build());

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(exported.statusCode()).isEqualTo(200);
    JsonObject export = new JsonObject(exported.body());
    assertThat(export.getString("period")).isEqualTo("2027-03");
    JsonArray customers = export.getJsonArray("customers");
    assertThat(customers.size()).isEqualTo((int) database.queryLong("SELECT count(*) FROM customers"));
    JsonObject secondsStatement = statement(second, "2027-03");
    assertThat(customers.stream().map(JsonObject.class::cast).map(c -> c.getJsonObject("statement"))
        .filter(st -> st.getJsonArray("lines").equals(secondsStatement.getJsonArray("lines")))).hasSize(1);
  }

  @Test
  void aFinalStatementNeverChangesAndItsLateEventsAreBilledInTheNextMonth() {
    String apiKey = server.registerApiKey();
    ingest(apiKey, List.of(Events.failover(Events.freshId()).put("amount", 50_000).put("currency", "USD")
        .put("occurredAt", "2027-03-10T10:00:00Z")));
    JsonObject open = statement(apiKey, "2027-03");
    assertThat(open.getString("status")).isEqualTo("open");

    clock.moveTo(Instant.parse("2027-04-04T00:00:01Z")); // 72 h after March
    JsonObject finalMarch = statement(apiKey, "2027-03");
    assertThat(finalMarch.getString("status")).isEqualTo("final");
    assertThat(ownLines(finalMarch)).isEqualTo(ownLines(open));

    ingest(apiKey, List.of(Events.failover(Events.freshId()).put("amount", 7_000).put("currency", "USD")
        .put("occurredAt", "2027-03-25T10:00:00Z")));

    assertThat(statement(apiKey, "2027-03")).as("a final statement never changes").isEqualTo(finalMarch);
    JsonObject april = statement(apiKey, "2027-04");
    JsonObject late = april.getJsonArray("lines").getJsonObject(0);
    assertThat(late.getString("lateAdjustment")).isEqualTo("2027-03");
    assertThat(late.getLong("recoveredMinor")).isEqualTo(7_000);
    assertThat(late.getLong("feeMinor")).isEqualTo(140);

    clock.moveTo(Instant.parse("2027-05-04T00:00:01Z"));
    JsonObject finalApril = statement(apiKey, "2027-04");
    assertThat(finalApril.getString("status")).isEqualTo("final");
    assertThat(finalApril.getJsonArray("lines")).isEqualTo(april.getJsonArray("lines"));
    assertThat(statement(apiKey, "2027-05").getJsonArray("lines")).as("billed once, in April").isEmpty();
    clock.moveTo(Instant.parse("2027-03-15T12:00:00Z"));
  }
}
