package com.apisentinel.writer;

import com.apisentinel.bus.EventsCommitted;
import com.apisentinel.bus.WriteResult;
import com.apisentinel.ingest.Event;
import com.apisentinel.quota.QuotaLedger;
import com.apisentinel.quota.QuotaPeriod;
import com.apisentinel.rollup.RollupParts;
import com.apisentinel.rollup.RollupSql;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Several requests' events as one {@code unnest} INSERT: one column array per field, so one
 * prepared statement inserts any number of rows in one round trip. A batch is committed on one
 * writer slot, whose quota lane counts its new events, and its requests' events are reserved on
 * that lane.
 *
 * <p>Two statements. {@link #INSERT_NEW} assumes every event is new, as nearly all are: a plain
 * INSERT (no per-row conflict handling), rollup parts and lane counts computed here, nothing
 * returned. If any event was already stored (or repeats inside the batch) the primary key refuses
 * it whole and nothing is stored; the batch is then sent as {@link #INSERT_ANY}, which skips the
 * stored ones, aggregates what it inserted in SQL and returns it, so that duplicates never count.
 */
final class EventBatch {

  /** The primary key whose violation sends a batch on as {@link #INSERT_ANY}. */
  static final String EVENT_KEY = "events_pkey";

  private static final String EVENT_COLUMNS = """
      customer_id, event_id, occurred_at, primary_gateway, gateway_used, failover_used, success, amount,
      currency, latency_ms, recovery_time_ms, primary_error_code, primary_error_http_status,
      primary_error_message, metadata""";
  private static final String EVENT_ROWS = """
      SELECT c, e, o, pg, gu, f, s, a, cur, l, r, ec, es, em, m::jsonb
        FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::bool[], $7::bool[],
                    $8::int8[], $9::text[], $10::int4[], $11::int4[], $12::text[], $13::int2[], $14::text[],
                    $15::text[]) AS t(c, e, o, pg, gu, f, s, a, cur, l, r, ec, es, em, m)""";

  /**
   * Every event new: the events, their rollup parts ($18..$29, computed by {@link RollupParts}) and
   * their count per customer ($30, $31) on this slot's lane ($16 month, $17 lane), all or nothing.
   * The lane's CHECK refuses the whole statement if the count goes beyond its grant; the upsert
   * locks the lane's row itself, and a grant another node took back before that makes the CHECK
   * refuse it too (the writer then re-reads the lane), so no separate lock is needed here.
   */
  static final String INSERT_NEW = "WITH stored AS (INSERT INTO events (" + EVENT_COLUMNS + ")\n" + EVENT_ROWS
      + "\n), parts AS (INSERT INTO rollup_parts (" + RollupParts.COLUMNS + """
      )
        SELECT * FROM unnest($18::uuid[], $19::timestamptz[], $20::text[], $21::text[], $22::text[], $23::int8[],
                             $24::int8[], $25::int8[], $26::numeric[], $27::int8[], $28::bytea[], $29::bytea[])
      )
      INSERT INTO quota_lanes AS q (customer_id, period_start, lane, granted, used)
      SELECT c, $16::date, $17::uuid, n, n FROM unnest($30::uuid[], $31::int8[]) AS t(c, n)
      ON CONFLICT (customer_id, period_start, lane) DO UPDATE SET used = q.used + EXCLUDED.used""";

  /**
   * Events some of which may be stored already: the rest, and in the same statement (so in the same
   * transaction) one rollup part per customer, hour, gateway pair and currency of the rows actually
   * inserted, and their count on this slot's quota lane: duplicates never count. The lane's rows
   * are locked before the first event is inserted, so a grant on another node (which skips locked
   * lanes) cannot take back what this batch is about to use; only this slot ever locks them, so no
   * other batch waits.
   */
  static final String INSERT_ANY = """
      WITH lane AS (
        SELECT customer_id FROM quota_lanes
         WHERE period_start = $16::date AND lane = $17::uuid AND customer_id = ANY($1::uuid[])
           FOR UPDATE
      ), stored AS (
        INSERT INTO events (""" + EVENT_COLUMNS + ")\n" + EVENT_ROWS + """

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

  /**
   * Which of the events a batch did not insert (stored before, or repeated within the batch) differ
   * from what is stored under their key: their positions ($1..$15 the events, $16 whether each gave
   * occurredAt; API.md: a defaulted one is not compared). Run only when a batch met stored or
   * repeated keys, after the INSERT committed, so a repeat is held to the copy this batch stored.
   * Metadata compares as jsonb: key order, spacing and 1 vs 1.0 do not matter.
   */
  static final String CONFLICTS = """
      SELECT i.n
        FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::bool[], $7::bool[],
                    $8::int8[], $9::text[], $10::int4[], $11::int4[], $12::text[], $13::int2[], $14::text[],
                    $15::text[], $16::bool[]) WITH ORDINALITY AS i(c, e, o, pg, gu, f, s, a, cur, l, r, ec, es, em, m, og, n)
        JOIN events ev ON ev.customer_id = i.c AND ev.event_id = i.e
       WHERE (ev.primary_gateway, ev.gateway_used, ev.failover_used, ev.success, ev.amount, ev.currency::text,
              ev.latency_ms, ev.recovery_time_ms, ev.primary_error_code, ev.primary_error_http_status,
              ev.primary_error_message)
             IS DISTINCT FROM (i.pg, i.gu, i.f, i.s, i.a, i.cur, i.l, i.r, i.ec, i.es, i.em)
          OR ev.metadata IS DISTINCT FROM i.m::jsonb
          OR (i.og AND ev.occurred_at <> i.o)""";

  private record EventKey(UUID customerId, String eventId) {
  }

  private final List<PendingWrite> writes;
  private final int slot;
  private final UUID lane;
  private final QuotaPeriod period;
  /** Per write: events whose key appeared earlier in this batch, answered without being sent (INSERT_ANY). */
  private final List<BitSet> repeats = new ArrayList<>();
  /** What INSERT_ANY stored; the batch's other events were stored before, or repeat one it stored. */
  private final Set<EventKey> inserted = new HashSet<>();
  /** The events {@link #CONFLICTS} compares, as {write, index} in the order of its parameters. */
  private final List<int[]> compared = new ArrayList<>();
  private final int eventCount;

  private EventBatch(List<PendingWrite> writes, int slot, UUID lane, QuotaPeriod period) {
    this.writes = List.copyOf(writes);
    this.slot = slot;
    this.lane = lane;
    this.period = period;
    this.eventCount = writes.stream().mapToInt(PendingWrite::size).sum();
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
    return eventCount;
  }

  /** {@link #INSERT_NEW}'s parameters: every event, its rollup parts (built with {@code parts}), counts per customer. */
  Tuple newEventsParameters(RollupParts parts) {
    List<Keyed> rows = new ArrayList<>(eventCount);
    Map<UUID, Long> counts = new HashMap<>();
    for (PendingWrite write : writes) {
      UUID customer = write.request().customerId();
      for (Event event : write.request().events()) {
        rows.add(new Keyed(customer, event));
        parts.add(customer, event);
      }
      counts.merge(customer, (long) write.size(), Long::sum);
    }
    Tuple parameters = parts.appendTo(Columns.sorted(rows).toTuple().addLocalDate(period.firstDay()).addUUID(lane));
    return parameters.addArrayOfUUID(counts.keySet().toArray(UUID[]::new))
        .addArrayOfLong(counts.values().toArray(Long[]::new));
  }

  /**
   * {@link #INSERT_ANY}'s parameters: every event whose key did not appear earlier in the batch (the
   * first to arrive is the one stored).
   */
  Tuple anyEventsParameters() {
    List<Keyed> rows = new ArrayList<>(eventCount);
    Set<EventKey> seen = new HashSet<>(eventCount * 2);
    repeats.clear();
    for (PendingWrite write : writes) {
      BitSet repeated = new BitSet();
      List<Event> events = write.request().events();
      UUID customer = write.request().customerId();
      for (int i = 0; i < events.size(); i++) {
        if (seen.add(new EventKey(customer, events.get(i).eventId()))) {
          rows.add(new Keyed(customer, events.get(i)));
        } else {
          repeated.set(i);
        }
      }
      repeats.add(repeated);
    }
    return Columns.sorted(rows).toTuple().addLocalDate(period.firstDay()).addUUID(lane);
  }

  /** An event with its customer, as one row of the INSERT. */
  private record Keyed(UUID customerId, Event event) {
    /**
     * Every batch inserts its rows in this one order, so two batches that share keys lock them in
     * the same order: one waits for the other instead of both deadlocking (and failing every other
     * customer's events in them).
     */
    static final Comparator<Keyed> KEY_ORDER = Comparator.comparing(Keyed::customerId)
        .thenComparing(keyed -> keyed.event().eventId());
  }

  /** Answers every request of a batch stored by {@link #INSERT_NEW}: all its events were new. */
  EventsCommitted replyAllStored(QuotaLedger quotas) {
    List<EventsCommitted.Committed> committed = new ArrayList<>(eventCount);
    for (PendingWrite write : writes) {
      UUID customer = write.request().customerId();
      for (Event event : write.request().events()) {
        committed.add(committed(customer, event));
      }
      quotas.settle(customer, period, slot, write.size(), write.size());
      write.message().reply(new WriteResult(new BitSet(), new BitSet(), quotas.status(customer, period)));
    }
    return new EventsCommitted(committed);
  }

  /**
   * Notes what {@link #INSERT_ANY} stored (its RETURNING rows) and returns {@link #CONFLICTS}'s
   * parameters for every event it did not insert (stored before, or a repeat within the batch), or
   * null when there is none. Read only: the rows need no key order here.
   */
  Tuple notInsertedParameters(Iterable<Row> insertedRows) {
    inserted.clear();
    for (Row row : insertedRows) {
      inserted.add(new EventKey(row.getUUID(0), row.getString(1)));
    }
    compared.clear();
    List<Keyed> rows = new ArrayList<>();
    for (int w = 0; w < writes.size(); w++) {
      UUID customer = writes.get(w).request().customerId();
      List<Event> events = writes.get(w).request().events();
      for (int i = 0; i < events.size(); i++) {
        if (repeats.get(w).get(i) || !inserted.contains(new EventKey(customer, events.get(i).eventId()))) {
          compared.add(new int[] {w, i});
          rows.add(new Keyed(customer, events.get(i)));
        }
      }
    }
    if (rows.isEmpty()) {
      return null;
    }
    return Columns.of(rows).toTuple()
        .addArrayOfBoolean(rows.stream().map(row -> row.event().occurredAtGiven()).toArray(Boolean[]::new));
  }

  /**
   * Answers every request of a batch stored by {@link #INSERT_ANY}: events it did not insert are
   * duplicates, and conflicts when {@code conflicting} ({@link #CONFLICTS}'s rows) names their
   * positions. Settles the reservations in the ledger and returns the newly stored events for the
   * live metrics.
   */
  EventsCommitted replyCommitted(Iterable<Row> conflicting, QuotaLedger quotas) {
    List<BitSet> conflicts = new ArrayList<>();
    writes.forEach(write -> conflicts.add(new BitSet()));
    for (Row row : conflicting) {
      int[] at = compared.get(row.getLong(0).intValue() - 1);
      conflicts.get(at[0]).set(at[1]);
    }
    List<EventsCommitted.Committed> committed = new ArrayList<>();
    for (int w = 0; w < writes.size(); w++) {
      PendingWrite write = writes.get(w);
      BitSet duplicates = (BitSet) repeats.get(w).clone();
      BitSet conflicted = conflicts.get(w);
      List<Event> events = write.request().events();
      UUID customer = write.request().customerId();
      for (int i = duplicates.nextClearBit(0); i < events.size(); i = duplicates.nextClearBit(i + 1)) {
        if (inserted.contains(new EventKey(customer, events.get(i).eventId()))) {
          committed.add(committed(customer, events.get(i)));
        } else {
          duplicates.set(i);
        }
      }
      quotas.settle(customer, period, slot, events.size(), events.size() - duplicates.cardinality());
      write.message().reply(new WriteResult(duplicates, conflicted, quotas.status(customer, period)));
    }
    return new EventsCommitted(committed);
  }

  private static EventsCommitted.Committed committed(UUID customer, Event event) {
    return new EventsCommitted.Committed(customer, event.primaryGateway().wireName(), event.failoverUsed(),
        event.success(), event.recoveryTimeMs());
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

    /** The rows in key order (see {@link Keyed#KEY_ORDER}). */
    static Columns sorted(List<Keyed> rows) {
      rows.sort(Keyed.KEY_ORDER);
      return of(rows);
    }

    static Columns of(List<Keyed> rows) {
      Columns columns = new Columns(rows.size());
      rows.forEach(row -> columns.add(row.customerId(), row.event()));
      return columns;
    }

    Tuple toTuple() {
      return Tuple.tuple()
          .addArrayOfUUID(customerIds)
          .addArrayOfString(eventIds)
          .addArrayOfOffsetDateTime(occurredAt)
          .addArrayOfString(primaryGateways)
          .addArrayOfString(gatewaysUsed)
          .addArrayOfBoolean(failoverUsed)
          .addArrayOfBoolean(success)
          .addArrayOfLong(amounts)
          .addArrayOfString(currencies)
          .addArrayOfInteger(latencies)
          .addArrayOfInteger(recoveryTimes)
          .addArrayOfString(errorCodes)
          .addArrayOfShort(errorStatuses)
          .addArrayOfString(errorMessages)
          .addArrayOfString(metadata);
    }
  }
}
