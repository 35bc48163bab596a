package com.apisentinel.metrics;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.PackedHistogram;

/**
 * The one shape of every latency and recovery-time histogram (live windows and rollups alike), so
 * any two can be added, and the percentile definition API.md asks for.
 */
public final class Histograms {

  /** The largest latency or recovery time the API accepts. */
  public static final long MAX_MS = 600_000;
  /** 3 significant digits: every value within 0.1 %, well inside API.md's 1 %. */
  private static final int SIGNIFICANT_DIGITS = 3;

  private Histograms() {
  }

  public static Histogram dense() {
    return new Histogram(MAX_MS, SIGNIFICANT_DIGITS);
  }

  /** Allocates only what it holds: for the many small per-slot histograms. */
  public static PackedHistogram sparse() {
    return new PackedHistogram(MAX_MS, SIGNIFICANT_DIGITS);
  }

  public static void record(AbstractHistogram histogram, long valueMs) {
    histogram.recordValue(Math.max(0, Math.min(valueMs, MAX_MS)));
  }

  public static void addEncoded(AbstractHistogram target, byte[] encoded) {
    target.add(Histogram.decodeFromByteBuffer(ByteBuffer.wrap(encoded), MAX_MS));
  }

  /**
   * HdrHistogram's plain encoding (zero runs compacted, no zlib): a few microseconds, where the
   * compressed encoding costs a zlib stream per call; PostgreSQL's TOAST compresses large values.
   * One scratch buffer serves many histograms (a dense histogram's worst case is ~80 KiB).
   */
  public static final class Encoder {
    private ByteBuffer scratch = ByteBuffer.allocate(0);

    public byte[] encode(AbstractHistogram histogram) {
      int needed = histogram.getNeededByteBufferCapacity();
      if (scratch.capacity() < needed) {
        scratch = ByteBuffer.allocate(needed);
      }
      scratch.clear();
      int length = histogram.encodeIntoByteBuffer(scratch);
      return Arrays.copyOf(scratch.array(), length);
    }
  }

  /**
   * Nearest rank (the smallest recorded value with at least {@code permille}/1000 of the count at or
   * below it), reported as {@link #readable} makes it. Integer arithmetic: 0.99 × 100 must give rank
   * 99, not 100.
   *
   * @return null for an empty histogram
   */
  /**
   * The value a person expects for a bucket: at three significant digits a bucket above 2,048 spans
   * two or more units (599,552 to 600,063 at 600,000), so its roundest member is reported — a
   * recorded 2,100 ms reads 2,100 and 600,000 reads 600,000, not the top of their bucket — and,
   * when no member is rounder than another, the bucket's middle. Below 2,048 every unit is exact.
   */
  static long readable(AbstractHistogram histogram, long value) {
    long lowest = histogram.lowestEquivalentValue(value);
    long highest = histogram.highestEquivalentValue(value);
    for (long step = 1_000_000_000L; step >= 10; step /= 10) {
      long roundest = (lowest + step - 1) / step * step;
      if (roundest <= highest) {
        return roundest;
      }
    }
    return histogram.medianEquivalentValue(value);
  }

  public static Long nearestRank(AbstractHistogram histogram, int permille) {
    long count = histogram == null ? 0 : histogram.getTotalCount();
    if (count == 0) {
      return null;
    }
    long rank = Math.max(1, (count * permille + 999) / 1000);
    long seen = 0;
    for (HistogramIterationValue value : histogram.recordedValues()) {
      seen += value.getCountAtValueIteratedTo();
      if (seen >= rank) {
        return readable(histogram, value.getValueIteratedTo());
      }
    }
    return histogram.getMaxValue();
  }
}
