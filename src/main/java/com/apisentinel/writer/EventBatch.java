package com.apisentinel.writer;

import com.apisentinel.bus.EventsCommitted;
import com.apisentinel.bus.WriteResult;
import com.apisentinel.ingest.Event;
import com.apisentinel.quota.QuotaLedger;
import com.apisentinel.quota.QuotaPeriod;
import com.apisentinel.rollup.RollupSql;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Several requests' events as one {@code unnest} INSERT: one column array per field, so one
 * prepared statement inserts any number of rows in one round trip. An event whose key already
 * appears earlier in the batch is not sent (PostgreSQL would skip it anyway) and is answered as a
 * duplicate; RETURNING tells which of the rest were new. A batch is committed on one writer slot,
 * whose quota lane counts its new events, and its requests' events are reserved on that lane.
 */
final class EventBatch {

  /**
   * The events, and in the same statement (so in the same transaction) one rollup part per customer,
   * hour, gateway pair and currency of the rows actually inserted, and their count on this slot's
   * quota lane: duplicates never count. The lane's CHECK refuses the whole statement if that count
   * goes beyond its grant. The lane's rows are locked before the first event is inserted, so a grant
   * on another node (which skips locked lanes) cannot take back what this batch is about to use;
   * only this slot ever locks them, so no other batch waits.
   */
  static final String INSERT = """
      WITH lane AS (
        SELECT customer_id FROM quota_lanes
         WHERE period_start = $16::date AND lane = $17::uuid AND customer_id = ANY($1::uuid[])
           FOR UPDATE
      ), stored AS (
        INSERT INTO events (customer_id, event_id, occurred_at, primary_gateway, gateway_used, failover_used,
                            success, amount, currency, latency_ms, recovery_time_ms, primary_error_code,
                            primary_error_http_status, primary_error_message, metadata)
        SELECT c, e, o, pg, gu, f, s, a, cur, l, r, ec, es, em, m::jsonb
          FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::bool[], $7::bool[],
                      $8::int8[], $9::text[], $10::int4[], $11::int4[], $12::text[], $13::int2[], $14::text[],
                      $15::text[]) AS t(c, e, o, pg, gu, f, s, a, cur, l, r, ec, es, em, m)
         CROSS JOIN (SELECT count(*) FROM lane) locked
        ON CONFLICT DO NOTHING
        RETURNING customer_id, event_id, occurred_at, primary_gateway, gateway_used, failover_used, success,
                  amount, currency, latency_ms, recovery_time_ms
      ), parts AS (
        INSERT INTO rollup_parts (""" + RollupSql.PART_COLUMNS + ")\n"
      + "  SELECT " + RollupSql.PART_AGGREGATES + " FROM stored" + RollupSql.PART_GROUPING + """
      ), counted AS (
        INSERT INTO quota_lanes AS q (customer_id, period_start, lane, granted, used)
        SELECT customer_id, $16::date, $17::uuid, count(*), count(*) FROM stored GROUP BY customer_id
        ON CONFLICT (customer_id, period_start, lane) DO UPDATE SET used = q.used + EXCLUDED.used
      )
      SELECT customer_id, event_id FROM stored""";

  private record EventKey(UUID customerId, String eventId) {
  }

  private final List<PendingWrite> writes;
  private final int slot;
  private final UUID lane;
  private final QuotaPeriod period;
  /** Per write: events whose key appeared earlier in this batch, answered without being sent. */
  private final List<BitSet> repeats = new ArrayList<>();
  private final Columns columns;

  private EventBatch(List<PendingWrite> writes, int slot, UUID lane, QuotaPeriod period) {
    this.writes = List.copyOf(writes);
    this.slot = slot;
    this.lane = lane;
    this.period = period;
    int total = writes.stream().mapToInt(PendingWrite::size).sum();
    this.columns = new Columns(total);
    Set<EventKey> seen = new HashSet<>(total * 2);
    for (PendingWrite write : writes) {
      BitSet repeated = new BitSet();
      List<Event> events = write.request().events();
      UUID customer = write.request().customerId();
      for (int i = 0; i < events.size(); i++) {
        if (seen.add(new EventKey(customer, events.get(i).eventId()))) {
          columns.add(customer, events.get(i));
        } else {
          repeated.set(i);
        }
      }
      repeats.add(repeated);
    }
  }

  /** @param writes requests whose events are already reserved on the slot's lane for {@code period} */
  static EventBatch of(List<PendingWrite> writes, int slot, UUID lane, QuotaPeriod period) {
    return new EventBatch(writes, slot, lane, period);
  }

  /** The same slot and period, fewer requests. */
  EventBatch only(List<PendingWrite> subset) {
    return new EventBatch(subset, slot, lane, period);
  }

  List<PendingWrite> writes() {
    return writes;
  }

  int slot() {
    return slot;
  }

  UUID lane() {
    return lane;
  }

  QuotaPeriod period() {
    return period;
  }

  Set<UUID> customers() {
    Set<UUID> customers = new HashSet<>();
    writes.forEach(write -> customers.add(write.request().customerId()));
    return customers;
  }

  int eventCount() {
    return columns.size;
  }

  Tuple parameters() {
    return columns.toTuple().addLocalDate(period.firstDay()).addUUID(lane);
  }

  /**
   * Answers every request of the batch after COMMIT (events missing from RETURNING were duplicates),
   * settles its reservation in the ledger, and returns the newly stored events for the live metrics.
   */
  EventsCommitted replyCommitted(Iterable<Row> inserted, QuotaLedger quotas) {
    List<EventsCommitted.Committed> committed = new ArrayList<>();
    Set<EventKey> stored = new HashSet<>();
    for (Row row : inserted) {
      stored.add(new EventKey(row.getUUID(0), row.getString(1)));
    }
    for (int w = 0; w < writes.size(); w++) {
      PendingWrite write = writes.get(w);
      BitSet duplicates = (BitSet) repeats.get(w).clone();
      List<Event> events = write.request().events();
      UUID customer = write.request().customerId();
      for (int i = 0; i < events.size(); i++) {
        Event event = events.get(i);
        if (duplicates.get(i)) {
          continue;
        }
        if (stored.contains(new EventKey(customer, event.eventId()))) {
          committed.add(new EventsCommitted.Committed(customer, event.primaryGateway().wireName(),
              event.failoverUsed(), event.success(), event.recoveryTimeMs()));
        } else {
          duplicates.set(i);
        }
      }
      quotas.settle(customer, period, slot, events.size(), events.size() - duplicates.cardinality());
      write.message().reply(new WriteResult(duplicates, quotas.status(customer, period)));
    }
    return new EventsCommitted(committed);
  }

  /** Returns the requests' reservations; the caller answers or retries them. */
  void release(QuotaLedger quotas) {
    writes.forEach(write -> quotas.release(write.request().customerId(), period, slot, write.size()));
  }

  /** The fifteen column arrays, filled in event order. */
  private static final class Columns {
    private int size;
    private final UUID[] customerIds;
    private final String[] eventIds;
    private final OffsetDateTime[] occurredAt;
    private final String[] primaryGateways;
    private final String[] gatewaysUsed;
    private final Boolean[] failoverUsed;
    private final Boolean[] success;
    private final Long[] amounts;
    private final String[] currencies;
    private final Integer[] latencies;
    private final Integer[] recoveryTimes;
    private final String[] errorCodes;
    private final Short[] errorStatuses;
    private final String[] errorMessages;
    private final String[] metadata;

    Columns(int capacity) {
      customerIds = new UUID[capacity];
      eventIds = new String[capacity];
      occurredAt = new OffsetDateTime[capacity];
      primaryGateways = new String[capacity];
      gatewaysUsed = new String[capacity];
      failoverUsed = new Boolean[capacity];
      success = new Boolean[capacity];
      amounts = new Long[capacity];
      currencies = new String[capacity];
      latencies = new Integer[capacity];
      recoveryTimes = new Integer[capacity];
      errorCodes = new String[capacity];
      errorStatuses = new Short[capacity];
      errorMessages = new String[capacity];
      metadata = new String[capacity];
    }

    void add(UUID customerId, Event e) {
      int i = size++;
      customerIds[i] = customerId;
      eventIds[i] = e.eventId();
      occurredAt[i] = e.occurredAt().atOffset(ZoneOffset.UTC);
      primaryGateways[i] = e.primaryGateway().wireName();
      gatewaysUsed[i] = e.gatewayUsed().wireName();
      failoverUsed[i] = e.failoverUsed();
      success[i] = e.success();
      amounts[i] = e.amount();
      currencies[i] = e.currency();
      latencies[i] = e.latencyMs();
      recoveryTimes[i] = e.recoveryTimeMs();
      errorCodes[i] = e.primaryErrorCode();
      errorStatuses[i] = e.primaryErrorHttpStatus() == null ? null : e.primaryErrorHttpStatus().shortValue();
      errorMessages[i] = e.primaryErrorMessage();
      metadata[i] = e.metadataJson();
    }

    /** Arrays are trimmed to {@code size}: repeats inside the batch leave the tail unused. */
    Tuple toTuple() {
      return Tuple.tuple()
          .addArrayOfUUID(trim(customerIds))
          .addArrayOfString(trim(eventIds))
          .addArrayOfOffsetDateTime(trim(occurredAt))
          .addArrayOfString(trim(primaryGateways))
          .addArrayOfString(trim(gatewaysUsed))
          .addArrayOfBoolean(trim(failoverUsed))
          .addArrayOfBoolean(trim(success))
          .addArrayOfLong(trim(amounts))
          .addArrayOfString(trim(currencies))
          .addArrayOfInteger(trim(latencies))
          .addArrayOfInteger(trim(recoveryTimes))
          .addArrayOfString(trim(errorCodes))
          .addArrayOfShort(trim(errorStatuses))
          .addArrayOfString(trim(errorMessages))
          .addArrayOfString(trim(metadata));
    }

    private <T> T[] trim(T[] column) {
      return column.length == size ? column : Arrays.copyOf(column, size);
    }
  }
}
