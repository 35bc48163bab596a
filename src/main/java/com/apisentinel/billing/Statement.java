package com.apisentinel.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A customer's statement for one UTC month: open (it still moves) or final (it never will again). */
public record Statement(YearMonth period, Instant periodStart, Instant periodEnd, String status, Instant generatedAt,
                        List<StatementLine> lines) {

  /** Per currency, in major units: what was recovered and the fee, the month's own lines and late ones together. */
  public record Total(BigDecimal recovered, BigDecimal fee) {
  }

  public Map<String, Total> totals() {
    Map<String, Total> totals = new TreeMap<>();
    for (StatementLine line : lines) {
      totals.merge(line.currency(), new Total(line.major(line.recoveredMinor()), line.major(line.feeMinor())),
          (a, b) -> new Total(a.recovered().add(b.recovered()), a.fee().add(b.fee())));
    }
    return totals;
  }
}
