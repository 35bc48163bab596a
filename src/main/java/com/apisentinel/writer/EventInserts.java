package com.apisentinel.writer;

import com.apisentinel.ingest.Event;
import com.apisentinel.rollup.RollupParts;
import com.apisentinel.rollup.RollupSql;
import com.apisentinel.store.Columns;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
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
 * The statements that store a batch's events: several requests' events as one {@code unnest}
 * INSERT, one column array per field, so one prepared statement inserts any number of rows in one
 * round trip.
 *
 * <p>Two statements. {@link #INSERT_NEW} assumes every event is new, as nearly all are: a plain
 * INSERT (no per-row conflict handling), rollup parts and lane counts computed here, nothing
 * returned. If any event was already stored (or repeats inside the batch) the primary key refuses
 * it whole and nothing is stored; the batch is then sent as {@link #INSERT_ANY} ({@link AnyInsert}),
 * which skips the stored ones, aggregates what it inserted in SQL and returns it, so that
 * duplicates never count.
 */
final class EventInserts {

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

  private record EventKey(UUID customerId, String eventId) {
  }

  /** The fifteen event columns, $1..$15 of every statement here. */
  private static final Columns<Keyed> EVENT_ROW = Columns.of(Keyed.class)
      .uuid(Keyed::customerId)
      .text(row -> row.event().eventId())
      .timestamptz(row -> row.event().occurredAt().atOffset(ZoneOffset.UTC))
      .text(row -> row.event().primaryGateway().wireName())
      .text(row -> row.event().gatewayUsed().wireName())
      .bool(row -> row.event().failoverUsed())
      .bool(row -> row.event().success())
      .int8(row -> row.event().amount())
      .text(row -> row.event().currency())
      .int4(row -> row.event().latencyMs())
      .int4(row -> row.event().recoveryTimeMs())
      .text(row -> row.event().primaryErrorCode())
      .int2(row -> row.event().primaryErrorHttpStatus() == null ? null : row.event().primaryErrorHttpStatus().shortValue())
      .text(row -> row.event().primaryErrorMessage())
      .text(row -> row.event().metadataJson());

  private EventInserts() {
  }

  /** {@link #INSERT_NEW}'s parameters: every event, its rollup parts (built with {@code parts}), counts per customer. */
  static Tuple newEvents(EventBatch batch, RollupParts parts) {
    List<Keyed> rows = new ArrayList<>(batch.eventCount());
    Map<UUID, Long> counts = new HashMap<>();
    for (PendingWrite write : batch.writes()) {
      UUID customer = write.customerId();
      for (Event event : write.request().events()) {
        rows.add(new Keyed(customer, event));
        parts.add(customer, event);
      }
      counts.merge(customer, (long) write.events(), Long::sum);
    }
    Tuple parameters = parts.appendTo(inKeyOrder(rows).addLocalDate(batch.period().firstDay()).addUUID(batch.lane()));
    return parameters.addArrayOfUUID(counts.keySet().toArray(UUID[]::new))
        .addArrayOfLong(counts.values().toArray(Long[]::new));
  }

  /** The rows' columns in key order (see {@link Keyed#KEY_ORDER}). */
  private static Tuple inKeyOrder(List<Keyed> rows) {
    rows.sort(Keyed.KEY_ORDER);
    return EVENT_ROW.toTuple(rows);
  }

  /**
   * One attempt at storing a batch through {@link #INSERT_ANY}, then {@link #CONFLICTS}: it remembers
   * which events each statement was given, to tell from their answers what became of every event.
   */
  static final class AnyInsert {

    private final EventBatch batch;
    /** Per write: events whose key appeared earlier in this batch, answered without being sent. */
    private final List<BitSet> repeats = new ArrayList<>();
    /** What INSERT_ANY stored; the batch's other events were stored before, or repeat one it stored. */
    private final Set<EventKey> inserted = new HashSet<>();
    /** The events {@link #CONFLICTS} compares, as {write, index} in the order of its parameters. */
    private final List<int[]> compared = new ArrayList<>();

    AnyInsert(EventBatch batch) {
      this.batch = batch;
    }

    /** {@link #INSERT_ANY}'s parameters: every event whose key did not appear earlier in the batch (the first is stored). */
    Tuple parameters() {
      List<Keyed> rows = new ArrayList<>(batch.eventCount());
      Set<EventKey> seen = new HashSet<>(batch.eventCount() * 2);
      for (PendingWrite write : batch.writes()) {
        BitSet repeated = new BitSet();
        List<Event> events = write.request().events();
        for (int i = 0; i < events.size(); i++) {
          if (seen.add(new EventKey(write.customerId(), events.get(i).eventId()))) {
            rows.add(new Keyed(write.customerId(), events.get(i)));
          } else {
            repeated.set(i);
          }
        }
        repeats.add(repeated);
      }
      return inKeyOrder(rows).addLocalDate(batch.period().firstDay()).addUUID(batch.lane());
    }

    /**
     * Notes what INSERT_ANY stored (its RETURNING rows) and returns {@link #CONFLICTS}'s parameters for
     * every event it did not insert, or null when there is none. Read only: no key order needed.
     */
    Tuple conflictParameters(Iterable<Row> insertedRows) {
      for (Row row : insertedRows) {
        inserted.add(new EventKey(row.getUUID(0), row.getString(1)));
      }
      List<Keyed> rows = new ArrayList<>();
      List<PendingWrite> writes = batch.writes();
      for (int w = 0; w < writes.size(); w++) {
        UUID customer = writes.get(w).customerId();
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
      return EVENT_ROW.toTuple(rows)
          .addArrayOfBoolean(rows.stream().map(row -> row.event().occurredAtGiven()).toArray(Boolean[]::new));
    }

    /** What was stored, given {@link #CONFLICTS}'s rows (the positions of the conflicting events). */
    StoredBatch stored(Iterable<Row> conflicting) {
      List<PendingWrite> writes = batch.writes();
      List<BitSet> duplicates = new ArrayList<>();
      List<BitSet> conflicts = new ArrayList<>();
      for (int w = 0; w < writes.size(); w++) {
        BitSet notInserted = (BitSet) repeats.get(w).clone();
        List<Event> events = writes.get(w).request().events();
        for (int i = 0; i < events.size(); i++) {
          if (!inserted.contains(new EventKey(writes.get(w).customerId(), events.get(i).eventId()))) {
            notInserted.set(i);
          }
        }
        duplicates.add(notInserted);
        conflicts.add(new BitSet());
      }
      for (Row row : conflicting) {
        int[] at = compared.get(row.getLong(0).intValue() - 1);
        conflicts.get(at[0]).set(at[1]);
      }
      return new StoredBatch(duplicates, conflicts);
    }
  }
}
