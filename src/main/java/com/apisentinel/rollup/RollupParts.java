package com.apisentinel.rollup;

import com.apisentinel.ingest.Event;
import com.apisentinel.metrics.Histograms;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * The rollup parts of events that are all about to be stored, computed in the JVM: the writer's
 * fast path sends them with the events instead of having PostgreSQL aggregate the inserted rows and
 * carry every raw value through {@code rollup_parts}. Same grouping and sums as
 * {@link RollupSql#PART_AGGREGATES}, with the two value sets as HdrHistograms (RollupTest checks the
 * two definitions against each other). One instance per writer, reused batch after batch (its
 * histogram and encoding buffer with it), so it is not thread-safe.
 */
public final class RollupParts {

  /** The columns {@link #appendTo} fills, in its parameter order. */
  public static final String COLUMNS = "customer_id, hour, primary_gateway, gateway_used, currency, events, "
      + "failovers, recoveries, recovered_amount, recovery_time_sum, recovery_histogram, latency_histogram";

  private record Key(UUID customerId, long hourEpochSecond, String primaryGateway, String gatewayUsed,
                     String currency) {
  }

  /** One part being added up; values are kept raw until encoding, which reuses one histogram. */
  private static final class Part {
    long events;
    long failovers;
    long recoveries;
    long recoveredAmount;
    long recoveryTimeSum;
    final Values recoveryTimes = new Values();
    final Values latencies = new Values();
  }

  private static final class Values {
    int[] values = new int[8];
    int size;

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }
  }

  private final Map<Key, Part> parts = new HashMap<>();
  private final Histogram histogram = Histograms.dense();
  private final Histograms.Encoder encoder = new Histograms.Encoder();

  public void add(UUID customerId, Event event) {
    Key key = new Key(customerId, event.occurredAt().truncatedTo(ChronoUnit.HOURS).getEpochSecond(),
        event.primaryGateway().wireName(), event.gatewayUsed().wireName(), event.currency());
    add(parts.computeIfAbsent(key, k -> new Part()), event);
  }

  /** Appends the twelve column arrays ({@link #COLUMNS}) of the parts added so far, and starts over. */
  public Tuple appendTo(Tuple parameters) {
    int n = parts.size();
    UUID[] customerIds = new UUID[n];
    OffsetDateTime[] hours = new OffsetDateTime[n];
    String[] primaries = new String[n];
    String[] used = new String[n];
    String[] currencies = new String[n];
    Long[] counts = new Long[n];
    Long[] failovers = new Long[n];
    Long[] recoveries = new Long[n];
    BigDecimal[] amounts = new BigDecimal[n];
    Long[] recoveryTimeSums = new Long[n];
    Buffer[] recoveryHistograms = new Buffer[n];
    Buffer[] latencyHistograms = new Buffer[n];
    int i = 0;
    for (Map.Entry<Key, Part> entry : parts.entrySet()) {
      Key key = entry.getKey();
      Part part = entry.getValue();
      customerIds[i] = key.customerId();
      hours[i] = OffsetDateTime.ofInstant(Instant.ofEpochSecond(key.hourEpochSecond()), ZoneOffset.UTC);
      primaries[i] = key.primaryGateway();
      used[i] = key.gatewayUsed();
      currencies[i] = key.currency();
      counts[i] = part.events;
      failovers[i] = part.failovers;
      recoveries[i] = part.recoveries;
      amounts[i] = BigDecimal.valueOf(part.recoveredAmount);
      recoveryTimeSums[i] = part.recoveryTimeSum;
      recoveryHistograms[i] = encode(part.recoveryTimes);
      latencyHistograms[i] = encode(part.latencies);
      i++;
    }
    parts.clear();
    return parameters.addArrayOfUUID(customerIds).addArrayOfOffsetDateTime(hours).addArrayOfString(primaries)
        .addArrayOfString(used).addArrayOfString(currencies).addArrayOfLong(counts).addArrayOfLong(failovers)
        .addArrayOfLong(recoveries).addArrayOfBigDecimal(amounts).addArrayOfLong(recoveryTimeSums)
        .addArrayOfBuffer(recoveryHistograms).addArrayOfBuffer(latencyHistograms);
  }

  /** The FILTERs of {@link RollupSql#PART_AGGREGATES}: a recovery is a failover that succeeded. */
  private static void add(Part part, Event event) {
    part.events++;
    if (event.failoverUsed()) {
      part.failovers++;
      if (event.success()) {
        part.recoveries++;
        part.recoveredAmount = Math.addExact(part.recoveredAmount, event.amount());
        if (event.recoveryTimeMs() != null) {
          part.recoveryTimeSum += event.recoveryTimeMs();
          part.recoveryTimes.add(event.recoveryTimeMs());
        }
      }
    }
    if (event.latencyMs() != null) {
      part.latencies.add(event.latencyMs());
    }
  }

  /** Null when nothing was recorded, as array_agg gives NULL over no rows. */
  private Buffer encode(Values values) {
    if (values.size == 0) {
      return null;
    }
    histogram.reset();
    for (int i = 0; i < values.size; i++) {
      Histograms.record(histogram, values.values[i]);
    }
    return Buffer.buffer(encoder.encode(histogram));
  }
}
