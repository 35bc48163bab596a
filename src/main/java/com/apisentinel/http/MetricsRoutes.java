package com.apisentinel.http;

import com.apisentinel.body.FieldError;
import com.apisentinel.body.InvalidBodyException;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.LiveQuery;
import com.apisentinel.bus.LiveWindowsView;
import com.apisentinel.rollup.RollupQueries;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** GET /api/v1/metrics/overview, /gateways, /timeseries, /live and /prometheus for the calling customer. */
final class MetricsRoutes implements RouteGroup {

  static final String OVERVIEW_PATH = "/api/v1/metrics/overview";
  static final String GATEWAYS_PATH = "/api/v1/metrics/gateways";
  static final String TIMESERIES_PATH = "/api/v1/metrics/timeseries";
  static final String LIVE_PATH = "/api/v1/metrics/live";
  /** The caller's own counters for their Prometheus; an API key is what a scraper holds. */
  static final String PROMETHEUS_PATH = "/api/v1/metrics/prometheus";
  private static final CharSequence PROMETHEUS_TEXT =
      HttpHeaders.createOptimized("text/plain; version=0.0.4; charset=utf-8");
  static final Duration DEFAULT_RANGE = Duration.ofDays(30);
  /** A chart needs no more points than this; more is a range/interval mistake. */
  static final int MAX_BUCKETS = 10_000;
  private static final Map<String, Duration> INTERVALS = Map.of("minute", Duration.ofMinutes(1),
      "hour", Duration.ofHours(1), "day", Duration.ofDays(1));

  private final RollupQueries aggregates;
  private final EventBus bus;

  MetricsRoutes(RollupQueries aggregates, EventBus bus) {
    this.aggregates = aggregates;
    this.bus = bus;
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.get(OVERVIEW_PATH).handler(auth.anyCredential()).handler(this::overview);
    router.get(GATEWAYS_PATH).handler(auth.anyCredential()).handler(this::gateways);
    router.get(TIMESERIES_PATH).handler(auth.anyCredential()).handler(this::timeseries);
    router.get(LIVE_PATH).handler(auth.anyCredential()).handler(this::live);
    router.get(PROMETHEUS_PATH).handler(auth.anyCredential()).handler(this::prometheus);
  }

  private void prometheus(RoutingContext ctx) {
    List<FieldError> errors = new ArrayList<>();
    QueryParams.rejectUnknown(ctx.queryParams(), Set.of(), errors);
    if (!errors.isEmpty()) {
      ctx.fail(new InvalidBodyException("invalid query parameters", errors));
      return;
    }
    aggregates.merchantMetrics(Authentication.principal(ctx).customerId(), Instant.now())
        .onSuccess(text -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(text))
        .onFailure(ctx::fail);
  }

  private record Range(Instant from, Instant to) {
  }

  private void overview(RoutingContext ctx) {
    Range range = range(ctx, Set.of("from", "to"), new ArrayList<>());
    if (range == null) {
      return;
    }
    aggregates.overview(Authentication.principal(ctx).customerId(), range.from, range.to).onSuccess(o -> {
      JsonObject json = rangeJson(range)
          .put("totalEvents", o.totalEvents()).put("failoverEvents", o.failoverEvents())
          .put("successfulRecoveries", o.successfulRecoveries()).put("failedRecoveries", o.failedRecoveries())
          .put("failoverRate", ratio(o.failoverEvents(), o.totalEvents()))
          .put("recoveryRate", ratio(o.successfulRecoveries(), o.failoverEvents()))
          .put("recoveredRevenue", money(o.recoveredMinorUnits()))
          .put("avgRecoveryTime", o.avgRecoveryTime())
          .put("recoveryTimeP50", o.recoveryP50()).put("recoveryTimeP95", o.recoveryP95())
          .put("recoveryTimeP99", o.recoveryP99());
      JsonReply.send(ctx, 200, json);
    }).onFailure(ctx::fail);
  }

  private void gateways(RoutingContext ctx) {
    Range range = range(ctx, Set.of("from", "to"), new ArrayList<>());
    if (range == null) {
      return;
    }
    aggregates.gateways(Authentication.principal(ctx).customerId(), range.from, range.to).onSuccess(stats -> {
      JsonArray gateways = new JsonArray();
      stats.forEach(g -> gateways.add(new JsonObject().put("gateway", g.gateway())
          .put("asPrimary", g.asPrimary()).put("primaryFailures", g.primaryFailures())
          .put("primaryFailureRate", ratio(g.primaryFailures(), g.asPrimary()))
          .put("asFailover", g.asFailover()).put("failoverSuccesses", g.failoverSuccesses())
          .put("latencyP50", g.latencyP50()).put("latencyP95", g.latencyP95()).put("latencyP99", g.latencyP99())
          .put("recoveredRevenue", money(g.recoveredMinorUnits()))));
      JsonReply.send(ctx, 200, rangeJson(range).put("gateways", gateways));
    }).onFailure(ctx::fail);
  }

  private void timeseries(RoutingContext ctx) {
    List<FieldError> errors = new ArrayList<>();
    String intervalName = ctx.queryParams().get("interval");
    Duration interval = intervalName == null ? INTERVALS.get("hour") : INTERVALS.get(intervalName);
    if (interval == null) {
      errors.add(new FieldError("interval", "must be minute, hour or day"));
    }
    Range range = range(ctx, Set.of("from", "to", "interval"), errors);
    if (range == null) {
      return;
    }
    Instant first = align(range.from, interval);
    long count = (Duration.between(first, range.to).toSeconds() + interval.toSeconds() - 1) / interval.toSeconds();
    if (count > MAX_BUCKETS) {
      ctx.fail(new InvalidBodyException("too many buckets", List.of(new FieldError("interval",
          "gives " + count + " buckets for this range; at most " + MAX_BUCKETS))));
      return;
    }
    aggregates.timeseries(Authentication.principal(ctx).customerId(), range.from, range.to, interval)
        .onSuccess(found -> {
          Map<Instant, RollupQueries.Bucket> byStart = new HashMap<>();
          found.forEach(b -> byStart.put(b.start(), b));
          JsonArray buckets = new JsonArray();
          for (Instant start = first; start.isBefore(range.to); start = start.plus(interval)) {
            RollupQueries.Bucket b = byStart.get(start);
            buckets.add(new JsonObject().put("start", start.toString())
                .put("totalEvents", b == null ? 0 : b.totalEvents())
                .put("failoverEvents", b == null ? 0 : b.failoverEvents())
                .put("successfulRecoveries", b == null ? 0 : b.successfulRecoveries())
                .put("recoveryTimeP95", b == null ? null : b.recoveryTimeP95()));
          }
          JsonReply.send(ctx, 200, rangeJson(range).put("interval", intervalName == null ? "hour" : intervalName)
              .put("buckets", buckets));
        }).onFailure(ctx::fail);
  }

  /** Rolling windows held in memory by the metrics verticle: committed events only. */
  private void live(RoutingContext ctx) {
    if (!ctx.queryParams().isEmpty()) {
      ctx.fail(new InvalidBodyException("invalid query parameters", ctx.queryParams().names().stream().sorted()
          .map(name -> new FieldError(name, "is not a known parameter")).toList()));
      return;
    }
    Addresses.LIVE_GET.request(bus, new LiveQuery(Authentication.principal(ctx).customerId()))
        .onSuccess(view -> {
          JsonObject gateways = new JsonObject();
          view.gateways().forEach((gateway, windows) -> gateways.put(gateway, windowsJson(windows)));
          JsonReply.send(ctx, 200, new JsonObject().put("windows", windowsJson(view.windows()))
              .put("gateways", gateways));
        })
        .onFailure(ctx::fail);
  }

  private static JsonObject windowsJson(Map<String, LiveWindowsView.Window> windows) {
    JsonObject json = new JsonObject();
    windows.forEach((name, w) -> json.put(name, new JsonObject()
        .put("events", w.events()).put("eventsPerSecond", w.eventsPerSecond())
        .put("failoverRate", w.failoverRate()).put("recoveryTimeP50", w.recoveryTimeP50())
        .put("recoveryTimeP95", w.recoveryTimeP95()).put("recoveryTimeP99", w.recoveryTimeP99())));
    return json;
  }

  /** Buckets start at UTC multiples of their width (midnight for days), as the query's date_bin does. */
  private static Instant align(Instant at, Duration width) {
    long seconds = at.getEpochSecond();
    return Instant.ofEpochSecond(seconds - Math.floorMod(seconds, width.toSeconds()));
  }

  /** @return the range, or null after failing the request with every parameter error */
  private static Range range(RoutingContext ctx, Set<String> allowed, List<FieldError> errors) {
    MultiMap query = ctx.queryParams();
    QueryParams.rejectUnknown(query, allowed, errors);
    Instant to = QueryParams.time(query, "to", errors);
    Instant from = QueryParams.time(query, "from", errors);
    to = to != null ? to : Instant.now().truncatedTo(ChronoUnit.MILLIS);
    from = from != null ? from : to.minus(DEFAULT_RANGE);
    if (!from.isBefore(to)) {
      errors.add(new FieldError("to", "must be after from"));
    }
    if (!errors.isEmpty()) {
      ctx.fail(new InvalidBodyException("invalid query parameters", errors));
      return null;
    }
    return new Range(from, to);
  }


  private static double ratio(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }

  /** Minor units to major units exactly: 344746 USD → 3447.46, 1200 JPY → 1200. */
  static JsonObject money(Map<String, BigDecimal> minorUnits) {
    JsonObject money = new JsonObject();
    minorUnits.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
      int digits = Math.max(0, Currency.getInstance(entry.getKey()).getDefaultFractionDigits());
      money.put(entry.getKey(), entry.getValue().movePointLeft(digits));
    });
    return money;
  }

  private static JsonObject rangeJson(Range range) {
    return new JsonObject().put("from", range.from.toString()).put("to", range.to.toString());
  }

}
