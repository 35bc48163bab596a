package com.apisentinel.body;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 3339 §5.6, exactly: the document promises format date-time, so this is what is accepted. */
class Rfc3339Test {

  @Test
  void acceptsWhatTheRfcAllows() {
    Instant at = Instant.parse("2026-11-22T10:15:30Z");
    assertThat(Rfc3339.parse("2026-11-22T10:15:30Z")).isEqualTo(at);
    assertThat(Rfc3339.parse("2026-11-22t10:15:30z")).as("lower case t and z").isEqualTo(at);
    assertThat(Rfc3339.parse("2026-11-22T11:15:30+01:00")).isEqualTo(at);
    assertThat(Rfc3339.parse("2026-11-22T10:15:30-00:00")).isEqualTo(at);
    assertThat(Rfc3339.parse("2026-11-22T10:15:30.5Z")).isEqualTo(at.plusMillis(500));
    assertThat(Rfc3339.parse("2026-11-22T10:15:30.123456789Z")).isEqualTo(at.plusNanos(123_456_789));
  }

  @Test
  void refusesWhatItDoesNot() {
    for (String text : new String[] {"2026-11-22T10:15Z", "2026-11-22T10:15:30", "2026-11-22", "2026-11-22 10:15:30Z",
        "2026-02-30T10:15:30Z", "2026-11-22T24:00:00Z", "2026-11-22T10:15:30.Z", "2026-11-22T10:15:30.1234567891Z",
        "2026-11-22T10:15:30+0100", "1969-12-31T23:59:59Z", "+10000-01-01T00:00:00Z"}) {
      assertThat(Rfc3339.parse(text)).as(text).isNull();
    }
  }
}
