package com.apisentinel.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rollups against raw truth: a data set over three days and more, read through ranges that use every
 * path (day rows, hour rows, parts, raw edges), before compaction, after it, and after the rollups
 * were corrupted and rebuilt; and batches racing the compactor are each counted exactly once.
 */
class RollupTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private record Sent(Instant at, String primary, String used, boolean failover, boolean success, long amount,
                      String currency, Integer latency, Integer recoveryTime) {
    boolean recovery() {
      return failover && success;
    }
  }

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private static final Instant START = NOW.truncatedTo(ChronoUnit.DAYS).minus(3, ChronoUnit.DAYS);
  private static final String[] GATEWAYS = {"stripe", "adyen", "paypal"};
  private static final String[] CURRENCIES = {"USD", "EUR", "JPY"};
  private static final List<Sent> SENT = new ArrayList<>();
  private static String key;
  private static Pool pool;

  @BeforeAll
  static void ingest() {
    key = RUNNING.server().registerApiKey();
    pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(RUNNING.database().url()))
        .using(RUNNING.server().vertx()).build();
    Random random = new Random(11);
    long span = NOW.minus(2, ChronoUnit.MINUTES).toEpochMilli() - START.toEpochMilli();
    List<JsonObject> events = new ArrayList<>();
    for (int n = 0; n < 6000; n++) {
      boolean failover = random.nextInt(4) == 0;
      String primary = GATEWAYS[random.nextInt(2)];
      String used = failover ? GATEWAYS[2] : primary;
      Sent e = new Sent(START.plusMillis((long) (random.nextDouble() * span)), primary, used, failover,
          random.nextInt(8) != 0, random.nextInt(1_000_000), CURRENCIES[random.nextInt(3)],
          random.nextInt(10) == 0 ? null : random.nextInt(9000), failover ? random.nextInt(60_000) : null);
      SENT.add(e);
      events.add(json("r" + n, e));
    }
    post(key, events);
  }

  @AfterAll
  static void closePool() {
    TestServer.await(pool.close());
  }

  private static JsonObject json(String id, Sent e) {
    return new JsonObject().put("eventId", id).put("occurredAt", e.at.toString()).put("primaryGateway", e.primary)
        .put("gatewayUsed", e.used).put("failoverUsed", e.failover).put("success", e.success)
        .put("amount", e.amount).put("currency", e.currency).put("latencyMs", e.latency)
        .put("recoveryTimeMs", e.recoveryTime);
  }

  /** @return events the server reported as newly accepted */
  private static int post(String apiKey, List<JsonObject> events) {
    int accepted = 0;
    for (int i = 0; i < events.size(); i += 500) {
      JsonArray batch = new JsonArray(new ArrayList<>(events.subList(i, Math.min(events.size(), i + 500))));
      HttpResponse<String> response = RUNNING.server().postJson("/api/v1/analytics/events", apiKey,
          new JsonObject().put("events", batch).encode());
      assertThat(response.statusCode()).isIn(202, 207);
      accepted += new JsonObject(response.body()).getInteger("accepted");
    }
    return accepted;
  }

  private static JsonObject get(String path) {
    return get(path, key);
  }

  private static JsonObject get(String path, String apiKey) {
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri(path))
        .header("Authorization", "Bearer " + apiKey).GET().build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static String range(Instant from, Instant to) {
    return "from=" + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8) + "&to="
        + URLEncoder.encode(to.toString(), StandardCharsets.UTF_8);
  }

  /** Ranges chosen so that every piece of a range plan occurs: whole days, whole hours, raw edges. */
  private static List<Instant[]> ranges() {
    Instant midnight = NOW.truncatedTo(ChronoUnit.DAYS);
    return List.of(
        new Instant[] {START, NOW.plusSeconds(1)},
        new Instant[] {midnight.minus(2, ChronoUnit.DAYS), midnight},
        new Instant[] {START.plusSeconds(5 * 3600 + 17 * 60 + 3), NOW.minusSeconds(3 * 3600 + 121)},
        new Instant[] {START.plusSeconds(3 * 3600), START.plusSeconds(27 * 3600)},
        new Instant[] {START.plusSeconds(2 * 3600 + 600), START.plusSeconds(2 * 3600 + 3000)},
        new Instant[] {START.plusMillis(86_400_000L - 1), START.plusMillis(2 * 86_400_000L + 1)});
  }

  private static void assertEveryRangeMatches() {
    for (Instant[] r : ranges()) {
      List<Sent> in = SENT.stream().filter(e -> !e.at.isBefore(r[0]) && e.at.isBefore(r[1])).toList();
      assertOverview(get("/api/v1/metrics/overview?" + range(r[0], r[1])), in, r);
      assertGateways(get("/api/v1/metrics/gateways?" + range(r[0], r[1])), in, r);
    }
    JsonArray days = get("/api/v1/metrics/timeseries?interval=day&" + range(START, NOW)).getJsonArray("buckets");
    assertThat(days).hasSize(4);
    for (int d = 0; d < 4; d++) {
      Instant day = START.plus(d, ChronoUnit.DAYS);
      List<Sent> in = SENT.stream().filter(e -> !e.at.isBefore(day) && e.at.isBefore(day.plus(1, ChronoUnit.DAYS))
          && e.at.isBefore(NOW)).toList();
      JsonObject bucket = days.getJsonObject(d);
      assertThat(bucket.getLong("totalEvents")).as(day.toString()).isEqualTo(in.size());
      assertThat(bucket.getLong("successfulRecoveries")).isEqualTo(in.stream().filter(Sent::recovery).count());
      assertPercentile(bucket.getInteger("recoveryTimeP95"), recoveryTimes(in), 950);
    }
  }

  private static void assertOverview(JsonObject o, List<Sent> in, Instant[] r) {
    String range = r[0] + "/" + r[1];
    List<Sent> recoveries = in.stream().filter(Sent::recovery).toList();
    assertThat(o.getLong("totalEvents")).as(range).isEqualTo(in.size());
    assertThat(o.getLong("failoverEvents")).as(range).isEqualTo(in.stream().filter(Sent::failover).count());
    assertThat(o.getLong("successfulRecoveries")).as(range).isEqualTo(recoveries.size());
    assertThat(money(o.getJsonObject("recoveredRevenue"))).as(range).isEqualTo(expectedMoney(recoveries));
    List<Integer> times = recoveryTimes(in);
    if (times.isEmpty()) {
      assertThat(o.getValue("avgRecoveryTime")).isNull();
    } else {
      assertThat(o.getDouble("avgRecoveryTime")).as(range)
          .isCloseTo(times.stream().mapToInt(Integer::intValue).average().orElseThrow(), within(1e-6));
    }
    assertPercentile(o.getInteger("recoveryTimeP50"), times, 500);
    assertPercentile(o.getInteger("recoveryTimeP95"), times, 950);
    assertPercentile(o.getInteger("recoveryTimeP99"), times, 990);
  }

  private static void assertGateways(JsonObject body, List<Sent> in, Instant[] r) {
    Map<String, JsonObject> byName = body.getJsonArray("gateways").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(g -> g.getString("gateway"), g -> g));
    assertThat(byName.keySet()).as(r[0] + "/" + r[1])
        .isEqualTo(in.stream().flatMap(e -> java.util.stream.Stream.of(e.primary, e.used)).collect(Collectors.toSet()));
    byName.forEach((name, g) -> {
      List<Sent> handled = in.stream().filter(e -> e.used.equals(name)).toList();
      assertThat(g.getLong("asPrimary")).as(name).isEqualTo(in.stream().filter(e -> e.primary.equals(name)).count());
      assertThat(g.getLong("primaryFailures")).as(name)
          .isEqualTo(in.stream().filter(e -> e.primary.equals(name) && e.failover).count());
      assertThat(g.getLong("asFailover")).as(name).isEqualTo(handled.stream().filter(Sent::failover).count());
      assertThat(g.getLong("failoverSuccesses")).as(name).isEqualTo(handled.stream().filter(Sent::recovery).count());
      assertThat(money(g.getJsonObject("recoveredRevenue"))).as(name)
          .isEqualTo(expectedMoney(handled.stream().filter(Sent::recovery).toList()));
      List<Integer> latencies = handled.stream().map(Sent::latency).filter(l -> l != null).toList();
      assertPercentile(g.getInteger("latencyP95"), latencies, 950);
      assertPercentile(g.getInteger("latencyP99"), latencies, 990);
    });
  }

  private static List<Integer> recoveryTimes(List<Sent> events) {
    return events.stream().filter(Sent::recovery).map(Sent::recoveryTime).toList();
  }

  /** Exact nearest rank, computed here; the API may be off by 1 % (API.md). */
  private static void assertPercentile(Integer actual, List<Integer> values, int permille) {
    if (values.isEmpty()) {
      assertThat(actual).isNull();
      return;
    }
    List<Integer> sorted = values.stream().sorted().toList();
    int exact = sorted.get((int) ((sorted.size() * (long) permille + 999) / 1000) - 1);
    assertThat(actual).isNotNull();
    assertThat(actual.doubleValue()).as("p" + permille / 10.0).isCloseTo(exact, within(exact * 0.01));
  }

  private static Map<String, BigDecimal> money(JsonObject json) {
    Map<String, BigDecimal> money = new TreeMap<>();
    json.forEach(entry -> money.put(entry.getKey(), new BigDecimal(entry.getValue().toString()).stripTrailingZeros()));
    return money;
  }

  private static Map<String, BigDecimal> expectedMoney(List<Sent> recoveries) {
    Map<String, BigDecimal> money = new TreeMap<>();
    recoveries.stream().collect(Collectors.groupingBy(Sent::currency, Collectors.summingLong(Sent::amount)))
        .forEach((currency, minor) -> money.put(currency,
            new BigDecimal(minor).movePointLeft(currency.equals("JPY") ? 0 : 2).stripTrailingZeros()));
    return money;
  }

  private static long parts() {
    return RUNNING.database().queryLong("SELECT count(*) FROM rollup_parts");
  }

  /**
   * Compacts until no part is left. The server's own compactor runs too, and whichever holds the
   * advisory lock does the work, so this waits for the outcome rather than for one call.
   */
  private static void compactEverything(int partsPerTransaction) {
    RollupCompactor compactor = new RollupCompactor(RUNNING.server().vertx(), pool, partsPerTransaction);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      TestServer.await(compactor.compactAll());
      return parts() == 0;
    });
  }

  @Test
  void everyRangeMatchesRawEventsBeforeAndAfterCompaction() {
    assertEveryRangeMatches();
    compactEverything(50);
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM rollups WHERE width = 'day'")).isPositive();
    assertEveryRangeMatches();
  }

  @Test
  void compactedRollupsAddUpToTheEventsAtBothWidths() {
    compactEverything(RollupCompactor.DEFAULT_PARTS_PER_TRANSACTION);
    for (String width : List.of("hour", "day")) {
      assertThat(RUNNING.database().queryLong("SELECT sum(events) FROM rollups WHERE width = '" + width + "'"))
          .isEqualTo(RUNNING.database().queryLong("SELECT count(*) FROM events"));
      assertThat(RUNNING.database().queryLong("SELECT sum(recovered_amount) FROM rollups WHERE width = '" + width + "'"))
          .isEqualTo(RUNNING.database().queryLong("SELECT sum(amount) FROM events WHERE failover_used AND success"));
    }
  }

  @Test
  void corruptedRollupsAreRebuiltFromRawEvents() throws Exception {
    compactEverything(RollupCompactor.DEFAULT_PARTS_PER_TRANSACTION);
    RUNNING.database().execute("UPDATE rollups SET events = events + 7, recovery_histogram = NULL, recovered_amount = 1");
    assertThat(get("/api/v1/metrics/overview?" + range(START, NOW.plusSeconds(1))).getLong("totalEvents"))
        .isNotEqualTo(SENT.size());

    try (Connection connection = RUNNING.database().connect()) {
      assertThat(RollupRebuild.rebuildAll(connection)).isPositive();
    }
    assertEveryRangeMatches();
    compactEverything(RollupCompactor.DEFAULT_PARTS_PER_TRANSACTION);
    assertEveryRangeMatches();
  }

  /**
   * The writer computes the parts of all-new batches itself and leaves batches with a duplicate to
   * SQL: the same events through either path must read back the same, before and after compaction.
   */
  @Test
  void partsFromTheWriterAndFromSqlAgree() throws Exception {
    Random random = new Random(5);
    List<JsonObject> events = new ArrayList<>();
    for (int n = 0; n < 1500; n++) {
      boolean failover = random.nextInt(3) == 0;
      String primary = GATEWAYS[random.nextInt(2)];
      events.add(json("p" + n, new Sent(NOW.minusSeconds(random.nextInt(5 * 3600)), primary,
          failover ? GATEWAYS[2] : primary, failover, random.nextInt(5) != 0, random.nextInt(100_000),
          CURRENCIES[random.nextInt(3)], random.nextInt(6) == 0 ? null : random.nextInt(20_000),
          failover ? random.nextInt(600_000) : null)));
    }
    String viaWriter = RUNNING.server().registerApiKey();
    String viaSql = RUNNING.server().registerApiKey();
    Thread.sleep(1100); // an earlier test's duplicates keep the writer on the SQL path for a second
    assertThat(post(viaWriter, events)).isEqualTo(events.size());
    // The first event is stored first and then resent in every batch: each batch has a duplicate.
    assertThat(post(viaSql, events.subList(0, 1))).isEqualTo(1);
    for (int i = 1; i < events.size(); i += 99) {
      List<JsonObject> batch = new ArrayList<>(events.subList(i, Math.min(events.size(), i + 99)));
      batch.add(events.get(0));
      assertThat(post(viaSql, batch)).isEqualTo(batch.size() - 1);
    }
    String query = range(NOW.minusSeconds(6 * 3600), NOW.plusSeconds(1));
    for (String path : List.of("overview", "gateways", "timeseries?interval=hour&")) {
      String url = "/api/v1/metrics/" + path + (path.endsWith("&") ? "" : "?") + query;
      assertThat(get(url, viaSql)).as(path).isEqualTo(get(url, viaWriter));
    }
    compactEverything(RollupCompactor.DEFAULT_PARTS_PER_TRANSACTION);
    for (String path : List.of("overview", "gateways", "timeseries?interval=hour&")) {
      String url = "/api/v1/metrics/" + path + (path.endsWith("&") ? "" : "?") + query;
      assertThat(get(url, viaSql)).as(path).isEqualTo(get(url, viaWriter));
    }
    assertThat(get("/api/v1/metrics/overview?" + query, viaWriter).getLong("totalEvents")).isEqualTo(events.size());
  }

  @Test
  void batchesRacingTheCompactorAreCountedExactlyOnce() throws Exception {
    JsonObject registration = RUNNING.server().register();
    String racer = registration.getJsonObject("apiKey").getString("key");
    String customer = registration.getJsonObject("customer").getString("id");
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<Integer>> accepted = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int client = c;
      accepted.add(clients.submit(() -> {
        int total = 0;
        for (int b = 0; b < 20; b++) {
          List<JsonObject> batch = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            // Every second batch repeats the previous one's ids: duplicates must not count.
            int id = client * 1_000_000 + (b - b % 2) * 100 + i;
            batch.add(json("x" + id, new Sent(NOW.minusSeconds(id % 7200), "stripe", "paypal", true, true, 100,
                "USD", 10, id % 5000)));
          }
          total += post(racer, batch);
        }
        return total;
      }));
    }
    RollupCompactor compactor = new RollupCompactor(RUNNING.server().vertx(), pool, 7);
    while (accepted.stream().anyMatch(f -> !f.isDone())) {
      TestServer.await(compactor.compactOnce());
    }
    clients.shutdown();
    int sum = 0;
    for (Future<Integer> f : accepted) {
      sum += f.get();
    }
    assertThat(sum).isEqualTo(4 * 10 * 100);
    compactEverything(7);
    assertThat(RUNNING.database().queryLong(
        "SELECT sum(events) FROM rollups WHERE width = 'hour' AND customer_id = '" + customer + "'")).isEqualTo(sum);
    assertThat(RUNNING.database().queryLong(
        "SELECT sum(events) FROM rollups WHERE width = 'day' AND customer_id = '" + customer + "'")).isEqualTo(sum);
    HttpResponse<String> overview = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri("/api/v1/metrics/overview"))
        .header("Authorization", "Bearer " + racer).GET().build());
    assertThat(new JsonObject(overview.body()).getLong("totalEvents")).isEqualTo(sum);
  }
}
