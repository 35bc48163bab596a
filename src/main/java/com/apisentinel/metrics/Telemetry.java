package com.apisentinel.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One Prometheus registry per process, holding Vert.x's own meters (HTTP server by route, event bus,
 * pools, JVM) and ours. Labels are limited to bounded sets: the route template, never the raw path
 * (which could carry ids), and nothing that names a customer, key or email.
 */
public final class Telemetry {

  /** API.md's latency promise: every latency histogram has a bucket boundary exactly there. */
  static final Duration LATENCY_SLO = Duration.ofMillis(100);

  /**
   * The bucket boundaries of every timer, in nanoseconds: what the dashboard's quantiles, the 100 ms
   * promise and the operator alerts (0.5 s, 1 s) read, and no more. Micrometer's default percentile
   * histogram has about 70 buckets per series, which made an idle scrape 110 KB.
   */
  private static final double[] TIMER_BUCKETS = Stream.of(
          Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), LATENCY_SLO,
          Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
          Duration.ofSeconds(5), Duration.ofSeconds(10))
      .mapToDouble(Duration::toNanos).toArray();

  private static final Set<String> STANDARD_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
      "OPTIONS", "TRACE", "PATCH");

  private final PrometheusMeterRegistry registry;

  public Telemetry() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Filters apply only to meters created after them, so this precedes everything else.
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != Meter.Type.TIMER) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(false)
            .serviceLevelObjectives(TIMER_BUCKETS)
            .build().merge(config);
      }
    });
    // Per-request byte-size summaries cost every request and answer nothing the dashboards ask.
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("vertx.http.server.request.bytes"));
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("vertx.http.server.response.bytes"));
    // A client chooses the method: every name but the standard ones shares one label value, so made-up
    // methods cannot mint series without end.
    registry.config().meterFilter(MeterFilter.replaceTagValues("method",
        method -> STANDARD_METHODS.contains(method) ? method : "OTHER"));
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** A Vert.x instance whose built-in metrics land in this registry. */
  public Vertx newVertx() {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        // Event-bus meters would be updated twice per ingest request (request and reply) for numbers
        // that sentinel_* and the HTTP meters already give.
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE,
            Label.POOL_TYPE, Label.POOL_NAME))
        // Histograms come from the timer filter above, not publishQuantiles: that would also give every
        // byte-count summary ~270 buckets nobody reads.
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }
}
