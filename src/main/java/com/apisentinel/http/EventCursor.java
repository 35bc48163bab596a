package com.apisentinel.http;

import com.apisentinel.body.Rfc3339;
import com.apisentinel.store.EventQueries;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * The opaque {@code cursor} of event listings: base64url of "v1:<occurredAt µs>:<eventId>". Clients
 * must not build it; anything that does not decode is a 422 on the {@code cursor} parameter.
 */
final class EventCursor {

  private static final String VERSION = "v1";

  private EventCursor() {
  }

  static String encode(EventQueries.Position position) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, position.occurredAt());
    String raw = VERSION + ":" + micros + ":" + position.eventId();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** @return the position, or null when the cursor is not one of ours */
  static EventQueries.Position decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = raw.split(":", 3);
      if (parts.length != 3 || !parts[0].equals(VERSION) || parts[2].isEmpty() || parts[2].length() > 64) {
        return null;
      }
      Instant at = Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS);
      return Rfc3339.inRange(at) ? new EventQueries.Position(at, parts[2]) : null;
    } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
      return null;
    }
  }
}
