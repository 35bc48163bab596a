package com.apisentinel.rollup;

import com.apisentinel.metrics.Histograms;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import org.HdrHistogram.Histogram;

/**
 * Adds rollup rows up: exact counts and money, and (only when asked for, since decoding costs)
 * histograms of recovery times and latencies. Histograms are created on first use.
 */
final class Tally {

  /** Which histograms an answer needs. */
  enum Series { RECOVERY_TIMES, LATENCIES }

  private final boolean recoveryTimes;
  private final boolean latencies;
  long events;
  long failovers;
  long recoveries;
  BigDecimal recoveredAmount = BigDecimal.ZERO;
  long recoveryTimeSum;
  Histogram recoveryHistogram;
  Histogram latencyHistogram;

  Tally(Series... wanted) {
    boolean r = false;
    boolean l = false;
    for (Series series : wanted) {
      r |= series == Series.RECOVERY_TIMES;
      l |= series == Series.LATENCIES;
    }
    this.recoveryTimes = r;
    this.latencies = l;
  }

  /**
   * A tally of both histograms recorded into the two given ones, reset first: compaction adds up
   * thousands of keys one after another and reuses two dense histograms instead of allocating them.
   */
  static Tally reusing(Histogram recoveryTimes, Histogram latencies) {
    Tally tally = new Tally(Series.RECOVERY_TIMES, Series.LATENCIES);
    recoveryTimes.reset();
    latencies.reset();
    tally.recoveryHistogram = recoveryTimes;
    tally.latencyHistogram = latencies;
    return tally;
  }

  Tally add(RollupRow row) {
    events += row.events();
    failovers += row.failovers();
    recoveries += row.recoveries();
    recoveredAmount = recoveredAmount.add(row.recoveredAmount());
    recoveryTimeSum += row.recoveryTimeSum();
    if (recoveryTimes) {
      recoveryHistogram = add(recoveryHistogram, row.recoveryHistogram(), row.recoveryValues());
    }
    if (latencies) {
      latencyHistogram = add(latencyHistogram, row.latencyHistogram(), row.latencyValues());
    }
    return this;
  }

  /** Recoveries that reported a recovery time: the denominator of the average. */
  long timedRecoveries() {
    return recoveryHistogram == null ? 0 : recoveryHistogram.getTotalCount();
  }

  Long recoveryPercentile(int permille) {
    return Histograms.nearestRank(recoveryHistogram, permille);
  }

  Long latencyPercentile(int permille) {
    return Histograms.nearestRank(latencyHistogram, permille);
  }

  private static Histogram add(Histogram target, Buffer encoded, Integer[] values) {
    if (encoded == null && (values == null || values.length == 0)) {
      return target;
    }
    Histogram histogram = target == null ? Histograms.dense() : target;
    if (encoded != null) {
      Histograms.addEncoded(histogram, encoded.getBytes());
    }
    if (values != null) {
      for (Integer value : values) {
        Histograms.record(histogram, value);
      }
    }
    return histogram;
  }
}
