package com.apisentinel.quota;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** The UTC calendar month that events accepted at a given instant count in. */
public record QuotaPeriod(YearMonth month) {

  public static QuotaPeriod of(Instant at) {
    return new QuotaPeriod(YearMonth.from(at.atOffset(ZoneOffset.UTC)));
  }

  public LocalDate firstDay() {
    return month.atDay(1);
  }

  public Instant start() {
    return firstDay().atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** Exclusive: the instant the quota resets. */
  public Instant end() {
    return month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
  }
}
