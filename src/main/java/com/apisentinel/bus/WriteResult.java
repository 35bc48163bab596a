package com.apisentinel.bus;

import java.util.BitSet;

/** Which events of a {@link WriteRequest} were already stored (duplicates); all others were committed. */
public final class WriteResult {

  private final BitSet duplicates;

  public WriteResult(BitSet duplicates) {
    this.duplicates = (BitSet) duplicates.clone();
  }

  public boolean isDuplicate(int index) {
    return duplicates.get(index);
  }

  public int duplicateCount() {
    return duplicates.cardinality();
  }
}
