package com.apisentinel.limits;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A log line that a client can cause (a failed request, a refused credential) at most once per
 * interval, with how many like it were left out since: a flood of bad requests must not become a
 * flood of log lines, nor hide that it happened. Thread-safe; lock-free.
 */
public final class RateLimitedLog {

  private final Logger log;
  private final long intervalNanos;
  private final String intervalText;
  private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  public RateLimitedLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.intervalText = interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() + " ms";
  }

  /** Logs at WARN, unless a line went out less than an interval ago (then it is counted). */
  public void warn(String format, Object... arguments) {
    if (mayLog()) {
      log.warn(format + suppressedNote(), arguments);
    }
  }

  /** Logs at ERROR, with the same limit. */
  public void error(String format, Object... arguments) {
    if (mayLog()) {
      log.error(format + suppressedNote(), arguments);
    }
  }

  private boolean mayLog() {
    long now = System.nanoTime();
    long next = nextAt.get();
    if ((next == Long.MIN_VALUE || now - next >= 0) && nextAt.compareAndSet(next, now + intervalNanos)) {
      return true;
    }
    suppressed.incrementAndGet();
    return false;
  }

  private String suppressedNote() {
    long left = suppressed.getAndSet(0);
    return left == 0 ? "" : " (" + left + " more like it in the " + intervalText + " before were not logged)";
  }
}
