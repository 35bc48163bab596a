package com.apisentinel.rollup;

import com.apisentinel.ingest.Event;
import com.apisentinel.metrics.Histograms;
import com.apisentinel.store.Columns;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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
    final Key key;
    long events;
    long failovers;
    long recoveries;
    long recoveredAmount;
    long recoveryTimeSum;
    final Values recoveryTimes = new Values();
    final Values latencies = new Values();

    Part(Key key) {
      this.key = key;
    }
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
  /** Encodes through this instance's histogram, so it is declared per instance. */
  private final Columns<Part> columns = Columns.of(Part.class)
      .uuid(part -> part.key.customerId())
      .timestamptz(part -> OffsetDateTime.ofInstant(Instant.ofEpochSecond(part.key.hourEpochSecond()), ZoneOffset.UTC))
      .text(part -> part.key.primaryGateway())
      .text(part -> part.key.gatewayUsed())
      .text(part -> part.key.currency())
      .int8(part -> part.events)
      .int8(part -> part.failovers)
      .int8(part -> part.recoveries)
      .numeric(part -> BigDecimal.valueOf(part.recoveredAmount))
      .int8(part -> part.recoveryTimeSum)
      .bytea(part -> encode(part.recoveryTimes))
      .bytea(part -> encode(part.latencies));

  public void add(UUID customerId, Event event) {
    Key key = new Key(customerId, event.occurredAt().truncatedTo(ChronoUnit.HOURS).getEpochSecond(),
        event.primaryGateway().wireName(), event.gatewayUsed().wireName(), event.currency());
    add(parts.computeIfAbsent(key, Part::new), event);
  }

  /** Appends the twelve column arrays ({@link #COLUMNS}) of the parts added so far, and starts over. */
  public Tuple appendTo(Tuple parameters) {
    List<Part> added = new ArrayList<>(parts.values());
    parts.clear();
    return columns.appendTo(parameters, added);
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
