package com.apisentinel.bus;

import java.util.BitSet;

/**
 * The writer's answer to a {@link WriteRequest}: which events were already stored (duplicates; all
 * others were committed), or that the request was refused whole because it would exceed the
 * monthly quota. {@code quota} is null for unlimited plans.
 */
public final class WriteResult {

  private final BitSet duplicates;
  private final QuotaStatus quota;
  private final boolean quotaExceeded;

  public WriteResult(BitSet duplicates, QuotaStatus quota) {
    this(duplicates, quota, false);
  }

  private WriteResult(BitSet duplicates, QuotaStatus quota, boolean quotaExceeded) {
    this.duplicates = (BitSet) duplicates.clone();
    this.quota = quota;
    this.quotaExceeded = quotaExceeded;
  }

  /** Nothing of the request was stored. */
  public static WriteResult quotaExceeded(QuotaStatus quota) {
    return new WriteResult(new BitSet(), quota, true);
  }

  public boolean isDuplicate(int index) {
    return duplicates.get(index);
  }

  public int duplicateCount() {
    return duplicates.cardinality();
  }

  public QuotaStatus quota() {
    return quota;
  }

  public boolean isQuotaExceeded() {
    return quotaExceeded;
  }
}
