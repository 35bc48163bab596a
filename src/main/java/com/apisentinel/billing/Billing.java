package com.apisentinel.billing;

import com.apisentinel.config.Plans;
import com.apisentinel.rollup.RollupQueries;
import com.apisentinel.rollup.RollupQueries.CurrencyTotals;
import com.apisentinel.store.BillingStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Monthly statements: the fee is a share of what failover recovered, per currency, from the rollups
 * (exact in minor units, whatever their compaction state). A month is open until 72 hours after it
 * ends; the first look after that makes it final: its lines are kept and never change. Events that
 * arrive later with an occurredAt in a final month are billed in the earliest open month, as
 * lateAdjustment lines: the rollups minus what final statements already billed of that month.
 */
public final class Billing {

  static final Duration FINAL_AFTER = Duration.ofHours(72);
  /** occurredAt is at most 30 days old: no event can arrive for a month that ended longer ago. */
  private static final int LATE_MONTHS = 2;

  private final RollupQueries rollups;
  private final BillingStore store;
  private final Plans plans;
  private final Clock clock;

  public Billing(RollupQueries rollups, BillingStore store, Plans plans, Clock clock) {
    this.rollups = rollups;
    this.store = store;
    this.plans = plans;
    this.clock = clock;
  }

  /** @return empty for a month before the customer existed or still to come */
  public Future<Optional<Statement>> statement(UUID customerId, YearMonth month) {
    return store.customer(customerId).compose(customer -> {
      if (customer.isEmpty() || month.isBefore(monthOf(customer.get().createdAt())) || month.isAfter(current())) {
        return Future.succeededFuture(Optional.empty());
      }
      int bps = plans.of(customer.get().tier()).feeBasisPoints();
      return finalizeDue(customerId, monthOf(customer.get().createdAt()), bps)
          .compose(v -> isFinal(month) ? finalStatement(customerId, month) : openStatement(customerId, month, bps))
          .map(Optional::of);
    });
  }

  /** Every month of the customer, newest first. */
  public Future<List<Statement>> statements(UUID customerId) {
    return store.customer(customerId).compose(customer -> {
      if (customer.isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      List<Statement> statements = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (YearMonth m = current(); !m.isBefore(monthOf(customer.get().createdAt())); m = m.minusMonths(1)) {
        YearMonth month = m;
        chain = chain.compose(v -> statement(customerId, month).map(s -> {
          s.ifPresent(statements::add);
          return null;
        }));
      }
      return chain.map(statements);
    });
  }

  boolean isFinal(YearMonth month) {
    return !clock.instant().isBefore(end(month).plus(FINAL_AFTER));
  }

  private YearMonth current() {
    return YearMonth.from(clock.instant().atOffset(ZoneOffset.UTC));
  }

  /**
   * Makes every month that is due final, oldest first. Nearly always there is none, which one read
   * tells without a lock; otherwise the customer's lock is taken and the question asked again.
   */
  private Future<Void> finalizeDue(UUID customerId, YearMonth first, int bps) {
    YearMonth lastDue = current().minusMonths(isFinal(current().minusMonths(1)) ? 1 : 2);
    if (lastDue.isBefore(first)) {
      return Future.succeededFuture();
    }
    return store.latestFinal(store.reads(), customerId).compose(seen -> !firstDue(seen, first).isAfter(lastDue)
        ? store.locked(customerId, connection -> store.latestFinal(connection, customerId).compose(latest -> {
          Future<Void> chain = Future.succeededFuture();
          for (YearMonth m = firstDue(latest, first); !m.isAfter(lastDue); m = m.plusMonths(1)) {
            YearMonth month = m;
            chain = chain.compose(v -> finalize(connection, customerId, month, bps));
          }
          return chain;
        }))
        : Future.succeededFuture());
  }

  private static YearMonth firstDue(Optional<LocalDate> latestFinal, YearMonth first) {
    return latestFinal.map(day -> YearMonth.from(day).plusMonths(1)).orElse(first);
  }

  private Future<Void> finalize(SqlConnection connection, UUID customerId, YearMonth month, int bps) {
    return rollups.byCurrency(customerId, start(month), end(month))
        .compose(own -> lateAdjustments(connection, customerId, month).compose(late -> {
          List<StatementLine> lines = new ArrayList<>();
          own.forEach(t -> lines.add(StatementLine.of(t, bps, null)));
          late.forEach((period, diffs) -> diffs.forEach(t -> lines.add(StatementLine.of(t, bps, period.toString()))));
          Future<Void> saved = store.save(connection, customerId, month.atDay(1), clock.instant(), json(lines))
              .compose(v -> store.account(connection, customerId, month.atDay(1), own));
          for (Map.Entry<YearMonth, List<CurrencyTotals>> entry : late.entrySet()) {
            saved = saved.compose(v -> store.account(connection, customerId, entry.getKey().atDay(1), entry.getValue()));
          }
          return saved;
        }));
  }

  /** What arrived for the final months that late events can still reach, beyond what was billed of them. */
  private Future<Map<YearMonth, List<CurrencyTotals>>> lateAdjustments(SqlClient client, UUID customerId,
                                                                       YearMonth month) {
    Map<YearMonth, List<CurrencyTotals>> late = new TreeMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (int back = LATE_MONTHS; back >= 1; back--) {
      YearMonth earlier = month.minusMonths(back);
      chain = chain.compose(v -> store.accounted(client, customerId, earlier.atDay(1)).compose(billed ->
          billed.isEmpty() ? Future.succeededFuture()
              : rollups.byCurrency(customerId, start(earlier), end(earlier)).map(now -> {
                List<CurrencyTotals> diff = difference(now, billed);
                if (!diff.isEmpty()) {
                  late.put(earlier, diff);
                }
                return null;
              })));
    }
    return chain.map(late);
  }

  private Future<Statement> openStatement(UUID customerId, YearMonth month, int bps) {
    return rollups.byCurrency(customerId, start(month), end(month)).compose(own -> {
      List<StatementLine> lines = new ArrayList<>();
      own.forEach(t -> lines.add(StatementLine.of(t, bps, null)));
      // Late events go to the earliest open month, the next to be made final.
      boolean earliestOpen = isFinal(month.minusMonths(1));
      Future<Map<YearMonth, List<CurrencyTotals>>> late = earliestOpen
          ? lateAdjustments(store.reads(), customerId, month)
          : Future.succeededFuture(Map.of());
      return late.map(adjustments -> {
        adjustments.forEach((period, diffs) -> diffs.forEach(t -> lines.add(StatementLine.of(t, bps, period.toString()))));
        return new Statement(month, start(month), end(month), "open", clock.instant(), lines);
      });
    });
  }

  private Future<Statement> finalStatement(UUID customerId, YearMonth month) {
    return store.snapshot(customerId, month.atDay(1)).map(snapshot -> {
      BillingStore.Snapshot s = snapshot.orElseThrow(() -> new IllegalStateException("final month without statement"));
      List<StatementLine> lines = new ArrayList<>();
      for (int i = 0; i < s.lines().size(); i++) {
        lines.add(line(s.lines().getJsonObject(i)));
      }
      return new Statement(month, start(month), end(month), "final", s.generatedAt(), lines);
    });
  }

  private static List<CurrencyTotals> difference(List<CurrencyTotals> now, List<CurrencyTotals> billed) {
    Map<String, CurrencyTotals> before = new HashMap<>();
    billed.forEach(t -> before.put(t.currency(), t));
    List<CurrencyTotals> diff = new ArrayList<>();
    for (CurrencyTotals t : now) {
      CurrencyTotals b = before.getOrDefault(t.currency(), new CurrencyTotals(t.currency(), 0, 0, 0, BigDecimal.ZERO));
      if (t.events() != b.events() || t.recoveredMinor().compareTo(b.recoveredMinor()) != 0) {
        diff.add(new CurrencyTotals(t.currency(), t.events() - b.events(), t.failovers() - b.failovers(),
            t.recoveries() - b.recoveries(), t.recoveredMinor().subtract(b.recoveredMinor())));
      }
    }
    return diff;
  }

  private static JsonArray json(List<StatementLine> lines) {
    JsonArray array = new JsonArray();
    lines.forEach(line -> array.add(new JsonObject().put("currency", line.currency()).put("exponent", line.exponent())
        .put("events", line.events()).put("failoverEvents", line.failoverEvents()).put("recoveries", line.recoveries())
        .put("recoveredMinor", line.recoveredMinor().toPlainString()).put("feeBasisPoints", line.feeBasisPoints())
        .put("feeMinor", line.feeMinor().toPlainString()).put("lateAdjustment", line.lateAdjustment())));
    return array;
  }

  private static StatementLine line(JsonObject json) {
    return new StatementLine(json.getString("currency"), json.getInteger("exponent"), json.getLong("events"),
        json.getLong("failoverEvents"), json.getLong("recoveries"), new BigDecimal(json.getString("recoveredMinor")),
        json.getInteger("feeBasisPoints"), new BigDecimal(json.getString("feeMinor")), json.getString("lateAdjustment"));
  }

  static YearMonth monthOf(Instant at) {
    return YearMonth.from(at.atOffset(ZoneOffset.UTC));
  }

  static Instant start(YearMonth month) {
    return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  static Instant end(YearMonth month) {
    return start(month.plusMonths(1));
  }

}
