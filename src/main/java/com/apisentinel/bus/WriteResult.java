package com.apisentinel.bus;

import com.apisentinel.quota.QuotaStatus;
import java.util.BitSet;

/**
 * The writer's answer to a {@link WriteRequest}: which events were already stored (duplicates),
 * which of those were stored with a different payload (conflicts: the stored event is kept), all
 * others having been committed; or that the request was refused whole because it would exceed the
 * monthly quota. {@code quota} is null for unlimited plans.
 */
public final class WriteResult {

  private final BitSet duplicates;
  private final BitSet conflicts;
  private final QuotaStatus quota;
  private final boolean quotaExceeded;

  /** {@code conflicts} is a subset of {@code duplicates}. */
  public WriteResult(BitSet duplicates, BitSet conflicts, QuotaStatus quota) {
    this(duplicates, conflicts, quota, false);
  }

  private WriteResult(BitSet duplicates, BitSet conflicts, QuotaStatus quota, boolean quotaExceeded) {
    this.duplicates = (BitSet) duplicates.clone();
    this.conflicts = (BitSet) conflicts.clone();
    this.quota = quota;
    this.quotaExceeded = quotaExceeded;
  }

  /** Nothing of the request was stored. */
  public static WriteResult quotaExceeded(QuotaStatus quota) {
    return new WriteResult(new BitSet(), new BitSet(), quota, true);
  }

  /** The event was stored before, with the same payload or not (see {@link #isConflict}). */
  public boolean isDuplicate(int index) {
    return duplicates.get(index);
  }

  /** The event was stored before with a different payload; the stored one is unchanged. */
  public boolean isConflict(int index) {
    return conflicts.get(index);
  }

  public QuotaStatus quota() {
    return quota;
  }

  public boolean isQuotaExceeded() {
    return quotaExceeded;
  }
}
