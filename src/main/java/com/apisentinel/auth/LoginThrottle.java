package com.apisentinel.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed-login throttling for one key space (see {@link LoginGuard}): after {@code freeFailures}
 * failures each further failure doubles the wait, up to {@code maxWait}. Event-loop confined;
 * bounded in size (the least recently used key goes first), and a key's record is forgotten an hour
 * after its last failure.
 */
final class LoginThrottle {

  private record Record(int failures, long blockedUntilNanos, long lastFailureNanos) {
  }

  private static final int MAX_ENTRIES = 100_000;
  private static final Duration FORGET_AFTER = Duration.ofHours(1);

  private final int freeFailures;
  private final long maxWaitNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Record> records = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  LoginThrottle(int freeFailures, Duration maxWait, LongSupplier nanoClock) {
    this.freeFailures = freeFailures;
    this.maxWaitNanos = maxWait.toNanos();
    this.nanoClock = nanoClock;
  }

  /** @return seconds the key must still wait before another attempt, 0 when it may try now */
  long secondsToWait(String key) {
    Record record = current(key);
    if (record == null) {
      return 0;
    }
    long remaining = record.blockedUntilNanos - nanoClock.getAsLong();
    return remaining <= 0 ? 0 : Math.max(1, Duration.ofNanos(remaining).toSeconds() + 1);
  }

  void failed(String key) {
    long now = nanoClock.getAsLong();
    Record previous = current(key);
    int failures = previous == null ? 1 : previous.failures + 1;
    records.put(key, new Record(failures, now + waitAfter(failures), now));
  }

  /** Takes back one failure counted in advance for an attempt that succeeded or was never judged. */
  void undo(String key) {
    Record record = current(key);
    if (record == null) {
      return;
    }
    if (record.failures <= 1) {
      records.remove(key);
    } else {
      int failures = record.failures - 1;
      records.put(key, new Record(failures, record.lastFailureNanos + waitAfter(failures), record.lastFailureNanos));
    }
  }

  private long waitAfter(int failures) {
    if (failures <= freeFailures) {
      return 0;
    }
    int doublings = Math.min(failures - freeFailures - 1, 30);
    return Math.min(maxWaitNanos, Duration.ofSeconds(1).toNanos() << doublings);
  }

  void succeeded(String key) {
    records.remove(key);
  }

  private Record current(String key) {
    Record record = records.get(key);
    if (record != null && nanoClock.getAsLong() - record.lastFailureNanos > FORGET_AFTER.toNanos()) {
      records.remove(key);
      return null;
    }
    return record;
  }
}
