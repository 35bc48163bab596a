package com.apisentinel.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {

  @Test
  void aFloodIsOneLineAnIntervalWithTheCountOfWhatWasLeftOut() {
    Logger logger = (Logger) LoggerFactory.getLogger("rate-limited-log-test");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    RateLimitedLog log = new RateLimitedLog(logger, Duration.ofMillis(200));

    for (int i = 0; i < 10_000; i++) {
      log.warn("bad credential from {}", "203.0.113.9");
    }
    assertThat(lines.list).hasSize(1);
    await().pollDelay(Duration.ofMillis(250)).until(() -> true); // the interval passes
    log.warn("bad credential from {}", "203.0.113.9");

    assertThat(lines.list).hasSize(2);
    assertThat(lines.list.get(1).getFormattedMessage())
        .isEqualTo("bad credential from 203.0.113.9 (9999 more like it in the 200 ms before were not logged)");
  }
}
