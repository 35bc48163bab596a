package com.apisentinel.http;

import com.apisentinel.store.UsageStore.RequestCount;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Authenticated requests per customer and UTC day, counted in memory by one HTTP verticle and
 * handed over in bulk every few seconds: billing needs the counts, not a database write per request.
 */
final class RequestCounter {

  private record Key(UUID customerId, LocalDate day) {
  }

  private final Clock clock;
  private Map<Key, Long> counts = new HashMap<>();

  RequestCounter(Clock clock) {
    this.clock = clock;
  }

  void count(UUID customerId) {
    counts.merge(new Key(customerId, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)), 1L, Long::sum);
  }

  /** @return the counts since the previous call, and starts counting afresh */
  List<RequestCount> drain() {
    Map<Key, Long> drained = counts;
    counts = new HashMap<>();
    return drained.entrySet().stream()
        .map(e -> new RequestCount(e.getKey().customerId(), e.getKey().day(), e.getValue())).toList();
  }

  /** Counts that could not be stored are added back, to be stored with the next ones. */
  void restore(List<RequestCount> unstored) {
    unstored.forEach(c -> counts.merge(new Key(c.customerId(), c.day()), c.requests(), Long::sum));
  }
}
