package com.apisentinel.rollup;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One customer's own numbers in the Prometheus text format, so merchants can scrape them into their
 * own Prometheus and alert there: counters since the first event (from the rollups, which never
 * forget), and the recovery-time histogram per gateway used. Built from rollup rows only, never
 * from another customer's, and never registered in the operator's registry.
 */
final class MerchantMetrics {

  /** Seconds; the buckets a checkout's recovery times spread over. */
  private static final double[] BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  private MerchantMetrics() {
  }

  static String render(List<RollupRow> rows) {
    Map<String, Tally> byGateways = new TreeMap<>();
    Map<String, Tally> byUsed = new TreeMap<>();
    Map<String, BigDecimal> recovered = new TreeMap<>();
    for (RollupRow row : rows) {
      byGateways.computeIfAbsent(row.primaryGateway() + "\u0000" + row.gatewayUsed(), k -> new Tally()).add(row);
      byUsed.computeIfAbsent(row.gatewayUsed(), k -> new Tally(Tally.Series.RECOVERY_TIMES)).add(row);
      if (row.recoveries() > 0) {
        recovered.merge(row.currency(), row.recoveredAmount(), BigDecimal::add);
      }
    }
    StringBuilder text = new StringBuilder(4096);
    text.append("# HELP sentinel_merchant_events_total Payments your SDKs reported, by gateways and outcome: ")
        .append("primary (no failover), recovered (failed over and succeeded), failed (failed over and failed too).\n")
        .append("# TYPE sentinel_merchant_events_total counter\n");
    byGateways.forEach((key, t) -> {
      String[] gateways = key.split("\u0000");
      String labels = "primary_gateway=\"" + gateways[0] + "\",gateway_used=\"" + gateways[1] + "\",outcome=\"";
      line(text, "sentinel_merchant_events_total", labels + "primary\"", t.events - t.failovers);
      line(text, "sentinel_merchant_events_total", labels + "recovered\"", t.recoveries);
      line(text, "sentinel_merchant_events_total", labels + "failed\"", t.failovers - t.recoveries);
    });
    text.append("# HELP sentinel_merchant_recovered_amount_total Revenue recovered by failover, in minor units.\n")
        .append("# TYPE sentinel_merchant_recovered_amount_total counter\n");
    recovered.forEach((currency, amount) -> text.append("sentinel_merchant_recovered_amount_total{currency=\"")
        .append(currency).append("\"} ").append(amount.toPlainString()).append('\n'));
    text.append("# HELP sentinel_merchant_recovery_seconds Time from the primary's failure to the secondary's success.\n")
        .append("# TYPE sentinel_merchant_recovery_seconds histogram\n");
    byUsed.forEach((gateway, t) -> histogram(text, gateway, t));
    return text.toString();
  }

  private static void histogram(StringBuilder text, String gateway, Tally t) {
    Histogram histogram = t.recoveryHistogram;
    if (histogram == null) {
      return;
    }
    String labels = "gateway_used=\"" + gateway + "\"";
    for (double bound : BUCKETS) {
      long count = histogram.getCountBetweenValues(0, Math.round(bound * 1000));
      line(text, "sentinel_merchant_recovery_seconds_bucket", labels + ",le=\"" + bound + "\"", count);
    }
    line(text, "sentinel_merchant_recovery_seconds_bucket", labels + ",le=\"+Inf\"", histogram.getTotalCount());
    text.append("sentinel_merchant_recovery_seconds_sum{").append(labels).append("} ")
        .append(BigDecimal.valueOf(t.recoveryTimeSum).movePointLeft(3).toPlainString()).append('\n');
    line(text, "sentinel_merchant_recovery_seconds_count", labels, histogram.getTotalCount());
  }

  private static void line(StringBuilder text, String name, String labels, long value) {
    text.append(name).append('{').append(labels).append("} ").append(value).append('\n');
  }
}
