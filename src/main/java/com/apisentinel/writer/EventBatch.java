package com.apisentinel.writer;

import com.apisentinel.quota.QuotaPeriod;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Whole requests committed together on one writer slot, in one transaction. Their events are
 * reserved on the slot's quota {@code lane} for {@code period}, where the batch counts what it stores.
 */
record EventBatch(List<PendingWrite> writes, int slot, UUID lane, QuotaPeriod period, int eventCount) {

  EventBatch {
    writes = List.copyOf(writes);
  }

  static EventBatch of(List<PendingWrite> writes, int slot, UUID lane, QuotaPeriod period) {
    return new EventBatch(writes, slot, lane, period, writes.stream().mapToInt(PendingWrite::events).sum());
  }

  /** The same slot and period, fewer requests. */
  EventBatch only(List<PendingWrite> subset) {
    return of(subset, slot, lane, period);
  }

  Set<UUID> customers() {
    Set<UUID> customers = new HashSet<>();
    writes.forEach(write -> customers.add(write.customerId()));
    return customers;
  }
}
