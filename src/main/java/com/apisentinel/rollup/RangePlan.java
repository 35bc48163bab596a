package com.apisentinel.rollup;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * How a range [from, to) splits: whole UTC days [dayStart, dayEnd) read from day rollups, whole
 * hours [hourStart, dayStart) and [dayEnd, hourEnd) from hour rollups and parts, and the partial
 * hours [from, hourStart) and [hourEnd, to) scanned raw. Empty pieces collapse onto one instant.
 */
record RangePlan(Instant hourStart, Instant hourEnd, Instant dayStart, Instant dayEnd) {

  static RangePlan of(Instant from, Instant to, boolean days) {
    Instant hourStart = ceil(from, ChronoUnit.HOURS);
    Instant hourEnd = to.truncatedTo(ChronoUnit.HOURS);
    if (!hourStart.isBefore(hourEnd)) {
      // No whole hour inside: everything is raw edge [from, to).
      hourStart = from;
      hourEnd = from;
    }
    Instant dayStart = ceil(hourStart, ChronoUnit.DAYS);
    Instant dayEnd = hourEnd.truncatedTo(ChronoUnit.DAYS);
    if (!days || !dayStart.isBefore(dayEnd)) {
      dayStart = hourStart;
      dayEnd = hourStart;
    }
    return new RangePlan(hourStart, hourEnd, dayStart, dayEnd);
  }

  private static Instant ceil(Instant at, ChronoUnit unit) {
    Instant floor = at.truncatedTo(unit);
    return floor.equals(at) ? at : floor.plus(1, unit);
  }
}
