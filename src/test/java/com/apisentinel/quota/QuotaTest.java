package com.apisentinel.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.MovableClock;
import com.apisentinel.support.QuotaFill;
import com.apisentinel.support.TestDatabase;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Monthly quotas end to end against the real database: exact under concurrent clients and across
 * two nodes, duplicates free, refused requests store nothing, months reset, plan changes apply at once.
 */
class QuotaTest {

  private static final long QUOTA = 500;
  private static final String ADMIN_TOKEN = "admin-token-for-quota-tests-0123456789abcdef";
  private static final Map<String, Object> SETTINGS = Map.of(
      "sentinel.plans.free.monthlyEvents", QUOTA,
      "sentinel.plans.starter.monthlyEvents", 2 * QUOTA,
      "sentinel.security.adminToken", ADMIN_TOKEN,
      // Small grants make lanes run dry often: the reclaim paths are exercised, not just the first grant.
      "sentinel.writer.connections", 4);
  /** 23:59:30 on the last day of a month, so that the boundary test can step over midnight. */
  private static final Instant MONTH_END = Instant.parse("2026-10-31T23:59:30Z");

  private static TestDatabase database;
  private static MovableClock clock;
  private static TestServer server;

  @BeforeAll
  static void start() {
    database = TestDatabase.create(QuotaTest.class);
    clock = new MovableClock(Instant.parse("2026-10-15T12:00:00Z"));
    server = TestServer.start(database.url(), SETTINGS, clock);
  }

  @AfterAll
  static void stop() {
    try {
      server.close();
    } finally {
      database.close();
    }
  }

  private record Customer(String id, String key) {
    static Customer register(TestServer server) {
      JsonObject registration = server.register();
      return new Customer(registration.getJsonObject("customer").getString("id"),
          registration.getJsonObject("apiKey").getString("key"));
    }
  }

  private static List<String> ids(int count) {
    return QuotaFill.ids(count);
  }

  private static HttpResponse<String> send(TestServer node, Customer customer, List<String> eventIds) {
    return QuotaFill.send(node.uri("/"), customer.key(), eventIds);
  }

  private long stored(Customer customer) {
    return database.queryLong("SELECT count(*) FROM events WHERE customer_id = '" + customer.id() + "'");
  }

  private static JsonObject usage(TestServer node, Customer customer) {
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(node.uri("/api/v1/usage"))
        .header("Authorization", "Bearer " + customer.key()).GET().build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static long header(HttpResponse<String> response, String name) {
    return Long.parseLong(response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name)));
  }

  private void fillConcurrently(List<TestServer> nodes, Customer customer, int clients) throws Exception {
    QuotaFill.Result result = QuotaFill.fill(nodes.stream().map(node -> node.uri("/")).toList(), customer.key(),
        clients);
    assertThat(result.accepted()).isEqualTo(QUOTA);
    assertThat(stored(customer)).isEqualTo(QUOTA);
    assertThat(database.queryLong("SELECT count(*) FROM events WHERE event_id IN ('"
        + String.join("','", result.refused()) + "')")).isZero();
  }

  @Test
  void concurrentClientsFillTheQuotaExactlyAndRefusedBatchesStoreNothing() throws Exception {
    Customer customer = Customer.register(server);
    fillConcurrently(List.of(server), customer, 8);

    HttpResponse<String> refused = send(server, customer, ids(1));
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(header(refused, "X-Quota-Limit")).isEqualTo(QUOTA);
    assertThat(header(refused, "X-Quota-Remaining")).isZero();
    assertThat(header(refused, "Retry-After")).isPositive();
    JsonObject usage = usage(server, customer);
    assertThat(usage.getJsonObject("events").getLong("used")).isEqualTo(QUOTA);
    assertThat(usage.getJsonObject("events").getLong("remaining")).isZero();
    assertThat(database.queryLong("SELECT sum(used) FROM quota_lanes WHERE customer_id = '" + customer.id() + "'"))
        .isEqualTo(QUOTA);
  }

  @Test
  void twoNodesOnOneDatabaseKeepTheQuotaExact() throws Exception {
    try (TestServer second = TestServer.start(database.url(), SETTINGS, clock)) {
      Customer customer = Customer.register(server);
      fillConcurrently(List.of(server, second), customer, 8);
      assertThat(send(second, customer, ids(1)).statusCode()).isEqualTo(429);
      assertThat(send(server, customer, ids(1)).statusCode()).isEqualTo(429);
    }
  }

  @Test
  void aBatchThatWouldGoOverIsRefusedWholeAndTheHeadersCountDown() {
    Customer customer = Customer.register(server);
    HttpResponse<String> first = send(server, customer, ids(400));
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(header(first, "X-Quota-Limit")).isEqualTo(QUOTA);
    assertThat(header(first, "X-Quota-Remaining")).isEqualTo(QUOTA - 400);
    long secondsToNovember = Instant.parse("2026-11-01T00:00:00Z").getEpochSecond() - clock.instant().getEpochSecond();
    assertThat(header(first, "X-Quota-Reset")).isBetween(secondsToNovember - 5, secondsToNovember + 1);

    HttpResponse<String> tooMany = send(server, customer, ids(101));
    assertThat(tooMany.statusCode()).isEqualTo(429);
    assertThat(header(tooMany, "X-Quota-Remaining")).isEqualTo(100);
    assertThat(stored(customer)).isEqualTo(400);

    HttpResponse<String> exactly = send(server, customer, ids(100));
    assertThat(exactly.statusCode()).isEqualTo(202);
    assertThat(header(exactly, "X-Quota-Remaining")).isZero();
    assertThat(stored(customer)).isEqualTo(QUOTA);
  }

  @Test
  void duplicatesDoNotCountAgainstTheQuota() {
    Customer customer = Customer.register(server);
    List<String> batch = ids(50);
    assertThat(send(server, customer, batch).statusCode()).isEqualTo(202);
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> again = send(server, customer, batch);
      assertThat(again.statusCode()).isEqualTo(202);
      assertThat(new JsonObject(again.body()).getInteger("duplicates")).isEqualTo(50);
      assertThat(header(again, "X-Quota-Remaining")).isEqualTo(QUOTA - 50);
    }
    // 20 x 50 resent events would be twice the quota; only the 50 stored ones count.
    assertThat(usage(server, customer).getJsonObject("events").getLong("used")).isEqualTo(50);
    assertThat(send(server, customer, ids((int) QUOTA - 50)).statusCode()).isEqualTo(202);
    assertThat(stored(customer)).isEqualTo(QUOTA);
  }

  @Test
  void aPlanChangeAppliesToTheNextBatch() {
    Customer customer = Customer.register(server);
    assertThat(send(server, customer, ids((int) QUOTA)).statusCode()).isEqualTo(202);
    assertThat(send(server, customer, ids(1)).statusCode()).isEqualTo(429);

    setTier(customer, "starter");
    HttpResponse<String> upgraded = send(server, customer, ids(10));
    assertThat(upgraded.statusCode()).as(upgraded.body()).isEqualTo(202);
    assertThat(header(upgraded, "X-Quota-Limit")).isEqualTo(2 * QUOTA);
    assertThat(header(upgraded, "X-Quota-Remaining")).isEqualTo(QUOTA - 10);

    // Unlimited plans get large grants; going back to a limited plan must take them back at once.
    setTier(customer, "enterprise");
    HttpResponse<String> unlimited = send(server, customer, ids(1000));
    assertThat(unlimited.statusCode()).isEqualTo(202);
    assertThat(unlimited.headers().firstValue("X-Quota-Limit")).isEmpty();
    assertThat(usage(server, customer).getJsonObject("events").getValue("limit")).isNull();
    setTier(customer, "starter");
    HttpResponse<String> overStarter = send(server, customer, ids(1));
    assertThat(overStarter.statusCode()).isEqualTo(429);
    assertThat(stored(customer)).isEqualTo(QUOTA + 10 + 1000);
    assertThat(usage(server, customer).getJsonObject("events").getLong("used")).isEqualTo(QUOTA + 10 + 1000);
  }

  @Test
  void theQuotaResetsWhenTheUtcMonthTurns() {
    MovableClock boundary = new MovableClock(MONTH_END);
    try (TestServer node = TestServer.start(database.url(), SETTINGS, boundary)) {
      Customer customer = Customer.register(node);
      assertThat(send(node, customer, ids((int) QUOTA)).statusCode()).isEqualTo(202);
      HttpResponse<String> spent = send(node, customer, ids(1));
      assertThat(spent.statusCode()).isEqualTo(429);
      assertThat(header(spent, "X-Quota-Reset")).isBetween(1L, 31L);
      assertThat(usage(node, customer).getString("periodStart")).isEqualTo("2026-10-01T00:00:00Z");

      boundary.moveTo(Instant.parse("2026-11-01T00:00:01Z"));
      HttpResponse<String> newMonth = send(node, customer, ids(10));
      assertThat(newMonth.statusCode()).as(newMonth.body()).isEqualTo(202);
      assertThat(header(newMonth, "X-Quota-Remaining")).isEqualTo(QUOTA - 10);
      JsonObject usage = usage(node, customer);
      assertThat(usage.getString("periodStart")).isEqualTo("2026-11-01T00:00:00Z");
      assertThat(usage.getString("periodEnd")).isEqualTo("2026-12-01T00:00:00Z");
      assertThat(usage.getJsonObject("events").getLong("used")).isEqualTo(10);
      assertThat(stored(customer)).isEqualTo(QUOTA + 10);
    }
  }

  private void setTier(Customer customer, String tier) {
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(
            server.uri("/api/v1/admin/customers/" + customer.id() + "/tier"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("tier", tier).encode())).build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
