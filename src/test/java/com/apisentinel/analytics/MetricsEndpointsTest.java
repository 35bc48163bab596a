package com.apisentinel.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A known data set (gateways, currencies, outcomes, spread over hours) sent through the API; every
 * field of overview, gateways and timeseries is checked against values computed here, independently.
 */
class MetricsEndpointsTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private record Sent(Instant at, String primary, String used, boolean failover, boolean success, long amount,
                      String currency, int latency, Integer recoveryTime) {
    boolean recovery() {
      return failover && success;
    }
  }

  private static final Instant HOUR = Instant.now().minus(5, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS);
  private static final String[] PRIMARIES = {"stripe", "adyen", "square"};
  private static final String[] FALLBACKS = {"paypal", "braintree"};
  private static final String[] CURRENCIES = {"USD", "EUR", "JPY"};
  private static final List<Sent> SENT = new ArrayList<>();
  private static String key;

  @BeforeAll
  static void start() {
    key = RUNNING.server().registerApiKey();
    Random random = new Random(42);
    JsonArray batch = new JsonArray();
    for (int n = 0; n < 3000; n++) {
      boolean failover = random.nextInt(4) == 0;
      String primary = PRIMARIES[random.nextInt(PRIMARIES.length)];
      String used = failover ? FALLBACKS[random.nextInt(FALLBACKS.length)] : primary;
      Sent e = new Sent(HOUR.plusMillis(random.nextInt(3 * 3600 * 1000)), primary, used, failover,
          random.nextInt(10) != 0, random.nextInt(100_000), CURRENCIES[random.nextInt(CURRENCIES.length)],
          random.nextInt(5000), failover ? random.nextInt(30_000) : null);
      SENT.add(e);
      JsonObject json = new JsonObject().put("eventId", "m" + n).put("occurredAt", e.at.toString())
          .put("primaryGateway", e.primary).put("gatewayUsed", e.used).put("failoverUsed", e.failover)
          .put("success", e.success).put("amount", e.amount).put("currency", e.currency).put("latencyMs", e.latency)
          .put("recoveryTimeMs", e.recoveryTime);
      batch.add(json);
      if (batch.size() == 1000) {
        var response = RUNNING.server().postJson("/api/v1/analytics/events", key, new JsonObject().put("events", batch).encode());
        assertThat(new JsonObject(response.body()).getInteger("accepted")).isEqualTo(1000);
        batch = new JsonArray();
      }
    }
  }

  private static JsonObject get(String path, String bearer) {
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri(path))
        .header("Authorization", "Bearer " + bearer).GET().build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static String range(Instant from, Instant to) {
    return "from=" + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8) + "&to="
        + URLEncoder.encode(to.toString(), StandardCharsets.UTF_8);
  }

  private static Integer nearestRank(List<Integer> values, double p) {
    if (values.isEmpty()) {
      return null;
    }
    List<Integer> sorted = values.stream().sorted().toList();
    return sorted.get((int) Math.ceil(p * sorted.size()) - 1);
  }

  /** API.md: percentiles within 1 % of the exact (nearest-rank) value. */
  private static void assertPercentile(Integer actual, Integer exact) {
    if (exact == null) {
      assertThat(actual).isNull();
    } else {
      assertThat(actual).isNotNull();
      assertThat(actual.doubleValue()).isCloseTo(exact, within(exact * 0.01));
    }
  }

  private static JsonObject money(List<Sent> events) {
    Map<String, Long> minor = new TreeMap<>(events.stream()
        .collect(Collectors.groupingBy(Sent::currency, Collectors.summingLong(Sent::amount))));
    JsonObject json = new JsonObject();
    minor.forEach((currency, amount) -> json.put(currency,
        new BigDecimal(amount).movePointLeft(currency.equals("JPY") ? 0 : 2)));
    return json;
  }

  private static void assertMoney(JsonObject actual, JsonObject expected) {
    assertThat(actual.fieldNames()).isEqualTo(expected.fieldNames());
    for (String currency : expected.fieldNames()) {
      assertThat(new BigDecimal(actual.getValue(currency).toString()))
          .isEqualByComparingTo(new BigDecimal(expected.getValue(currency).toString()));
    }
  }

  @Test
  void overviewMatchesTheDataSetExactly() {
    Instant from = HOUR.plus(30, ChronoUnit.MINUTES);
    Instant to = HOUR.plus(150, ChronoUnit.MINUTES);
    List<Sent> in = SENT.stream().filter(e -> !e.at.isBefore(from) && e.at.isBefore(to)).toList();
    List<Sent> recoveries = in.stream().filter(Sent::recovery).toList();
    List<Integer> times = recoveries.stream().map(Sent::recoveryTime).toList();

    JsonObject o = get("/api/v1/metrics/overview?" + range(from, to), key);

    assertThat(Instant.parse(o.getString("from"))).isEqualTo(from);
    assertThat(o.getLong("totalEvents")).isEqualTo(in.size());
    long failovers = in.stream().filter(Sent::failover).count();
    assertThat(o.getLong("failoverEvents")).isEqualTo(failovers);
    assertThat(o.getLong("successfulRecoveries")).isEqualTo(recoveries.size());
    assertThat(o.getLong("failedRecoveries")).isEqualTo(failovers - recoveries.size());
    assertThat(o.getDouble("failoverRate")).isCloseTo((double) failovers / in.size(), within(1e-9));
    assertThat(o.getDouble("recoveryRate")).isCloseTo((double) recoveries.size() / failovers, within(1e-9));
    assertMoney(o.getJsonObject("recoveredRevenue"), money(recoveries));
    assertThat(o.getDouble("avgRecoveryTime"))
        .isCloseTo(times.stream().mapToInt(Integer::intValue).average().orElseThrow(), within(1e-6));
    assertPercentile(o.getInteger("recoveryTimeP50"), nearestRank(times, 0.50));
    assertPercentile(o.getInteger("recoveryTimeP95"), nearestRank(times, 0.95));
    assertPercentile(o.getInteger("recoveryTimeP99"), nearestRank(times, 0.99));
  }

  @Test
  void gatewaysMatchTheDataSetExactly() {
    Instant from = HOUR;
    Instant to = HOUR.plus(3, ChronoUnit.HOURS);
    JsonArray gateways = get("/api/v1/metrics/gateways?" + range(from, to), key).getJsonArray("gateways");
    assertThat(gateways.stream().map(g -> ((JsonObject) g).getString("gateway")))
        .containsExactly("adyen", "braintree", "paypal", "square", "stripe");
    for (Object item : gateways) {
      JsonObject g = (JsonObject) item;
      String name = g.getString("gateway");
      Predicate<Sent> primary = e -> e.primary.equals(name);
      Predicate<Sent> handled = e -> e.used.equals(name);
      long asPrimary = SENT.stream().filter(primary).count();
      long primaryFailures = SENT.stream().filter(primary.and(Sent::failover)).count();
      assertThat(g.getLong("asPrimary")).as(name).isEqualTo(asPrimary);
      assertThat(g.getLong("primaryFailures")).as(name).isEqualTo(primaryFailures);
      assertThat(g.getDouble("primaryFailureRate")).as(name)
          .isCloseTo(asPrimary == 0 ? 0 : (double) primaryFailures / asPrimary, within(1e-9));
      assertThat(g.getLong("asFailover")).as(name).isEqualTo(SENT.stream().filter(handled.and(Sent::failover)).count());
      assertThat(g.getLong("failoverSuccesses")).as(name)
          .isEqualTo(SENT.stream().filter(handled.and(Sent::recovery)).count());
      List<Integer> latencies = SENT.stream().filter(handled).map(Sent::latency).toList();
      assertPercentile(g.getInteger("latencyP50"), nearestRank(latencies, 0.50));
      assertPercentile(g.getInteger("latencyP95"), nearestRank(latencies, 0.95));
      assertPercentile(g.getInteger("latencyP99"), nearestRank(latencies, 0.99));
      assertMoney(g.getJsonObject("recoveredRevenue"), money(SENT.stream().filter(handled.and(Sent::recovery)).toList()));
    }
  }

  @Test
  void hourlyTimeseriesCoversTheRangeWithEmptyBucketsIncluded() {
    Instant from = HOUR.minus(1, ChronoUnit.HOURS);
    Instant to = HOUR.plus(4, ChronoUnit.HOURS);
    JsonObject series = get("/api/v1/metrics/timeseries?interval=hour&" + range(from, to), key);
    JsonArray buckets = series.getJsonArray("buckets");
    assertThat(series.getString("interval")).isEqualTo("hour");
    assertThat(buckets).hasSize(5);
    for (int i = 0; i < 5; i++) {
      JsonObject b = buckets.getJsonObject(i);
      Instant start = from.plus(i, ChronoUnit.HOURS);
      List<Sent> in = SENT.stream().filter(e -> !e.at.isBefore(start) && e.at.isBefore(start.plus(1, ChronoUnit.HOURS)))
          .toList();
      assertThat(Instant.parse(b.getString("start"))).isEqualTo(start);
      assertThat(b.getLong("totalEvents")).isEqualTo(in.size());
      assertThat(b.getLong("failoverEvents")).isEqualTo(in.stream().filter(Sent::failover).count());
      assertThat(b.getLong("successfulRecoveries")).isEqualTo(in.stream().filter(Sent::recovery).count());
      assertPercentile(b.getInteger("recoveryTimeP95"),
          nearestRank(in.stream().filter(Sent::recovery).map(Sent::recoveryTime).toList(), 0.95));
    }
    assertThat(buckets.getJsonObject(0).getLong("totalEvents")).isZero();
    assertThat(get("/api/v1/metrics/timeseries?interval=minute&" + range(HOUR, HOUR.plus(1, ChronoUnit.HOURS)), key)
        .getJsonArray("buckets")).hasSize(60);
  }

  @Test
  void anotherCustomerSeesZeros() {
    String other = RUNNING.server().registerApiKey();
    JsonObject o = get("/api/v1/metrics/overview", other);
    assertThat(o.getLong("totalEvents")).isZero();
    assertThat(o.getDouble("failoverRate")).isZero();
    assertThat(o.getJsonObject("recoveredRevenue")).isEmpty();
    assertThat(o.getValue("recoveryTimeP95")).isNull();
    assertThat(get("/api/v1/metrics/gateways", other).getJsonArray("gateways")).isEmpty();
  }

  @Test
  void invalidParametersAreA422() {
    for (String query : new String[] {"/api/v1/metrics/overview?from=yesterday",
        "/api/v1/metrics/gateways?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
        "/api/v1/metrics/timeseries?interval=week", "/api/v1/metrics/overview?customerId=x",
        "/api/v1/metrics/timeseries?interval=minute&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z"}) {
      HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri(query))
          .header("Authorization", "Bearer " + key).GET().build());
      assertThat(response.statusCode()).as(query).isEqualTo(422);
    }
  }
}
