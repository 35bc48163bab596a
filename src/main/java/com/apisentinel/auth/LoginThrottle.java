package com.apisentinel.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed-login throttling for one key space (emails, or client addresses): after {@code freeFailures}
 * failures each further failure doubles the wait, up to {@code maxWait}. The cap is what keeps a
 * stranger from locking a victim out forever: guessing at someone's email delays them by at most
 * {@code maxWait}, and a success clears the record. Event-loop confined; bounded in size.
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
    long wait = 0;
    if (failures > freeFailures) {
      int doublings = Math.min(failures - freeFailures - 1, 30);
      wait = Math.min(maxWaitNanos, Duration.ofSeconds(1).toNanos() << doublings);
    }
    records.put(key, new Record(failures, now + wait, now));
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
