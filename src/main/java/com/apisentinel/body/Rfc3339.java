package com.apisentinel.body;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * RFC 3339 date-times from clients (§5.6: seconds required, a fraction of 1 to 9 digits, an offset
 * or Z, T and Z in either case), limited to years PostgreSQL and the API can both represent. Java's
 * ISO parser is laxer (seconds optional) and stricter (upper case only) than the RFC, and the API
 * document promises the RFC: what a client reads there is exactly what is accepted.
 */
public final class Rfc3339 {

  private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
      .appendOffset("+HH:MM", "Z")
      .toFormatter(Locale.ROOT)
      .withResolverStyle(ResolverStyle.STRICT);

  public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
  public static final String EXPECTED = "must be an RFC 3339 date-time with an offset, between 1970 and 9999";

  private Rfc3339() {
  }

  /** @return the instant, or null when the text is not a date-time in range */
  public static Instant parse(String text) {
    try {
      Instant at = OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), FORMAT).toInstant();
      return at.isBefore(EARLIEST) || at.isAfter(LATEST) ? null : at;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  public static boolean inRange(Instant at) {
    return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
  }
}
