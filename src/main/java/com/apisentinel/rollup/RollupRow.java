package com.apisentinel.rollup;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One rollup-shaped row: a compacted rollup (histograms serialized), a part or an edge scan (raw
 * values). All three are read with the same columns so one code path adds them up.
 */
record RollupRow(Instant bucket, String primaryGateway, String gatewayUsed, String currency, long events,
                 long failovers, long recoveries, BigDecimal recoveredAmount, long recoveryTimeSum,
                 Buffer recoveryHistogram, Integer[] recoveryValues, Buffer latencyHistogram, Integer[] latencyValues) {

  /**
   * Reads the thirteen columns starting at {@code first}, in record order: bucket, primary_gateway,
   * gateway_used, currency, events, failovers, recoveries, recovered_amount, recovery_time_sum,
   * recovery histogram, recovery values, latency histogram, latency values.
   */
  static RollupRow of(Row row, int first) {
    int i = first;
    return new RollupRow(row.getOffsetDateTime(i).toInstant(), row.getString(i + 1), row.getString(i + 2),
        row.getString(i + 3).strip(), row.getLong(i + 4), row.getLong(i + 5), row.getLong(i + 6),
        row.getBigDecimal(i + 7), row.getLong(i + 8), row.getBuffer(i + 9), row.getArrayOfIntegers(i + 10),
        row.getBuffer(i + 11), row.getArrayOfIntegers(i + 12));
  }
}
