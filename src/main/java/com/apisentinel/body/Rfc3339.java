package com.apisentinel.body;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** RFC 3339 date-times from clients, limited to years PostgreSQL and the API can both represent. */
public final class Rfc3339 {

  public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
  public static final String EXPECTED = "must be an RFC 3339 date-time with an offset, between 1970 and 9999";

  private Rfc3339() {
  }

  /** @return the instant, or null when the text is not a date-time in range */
  public static Instant parse(String text) {
    try {
      Instant at = OffsetDateTime.parse(text).toInstant();
      return at.isBefore(EARLIEST) || at.isAfter(LATEST) ? null : at;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  public static boolean inRange(Instant at) {
    return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
  }
}
