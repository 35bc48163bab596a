package com.apisentinel.writer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What a batch's COMMIT stored, per request of the batch (in its order): the events that were
 * stored before (duplicates), and those of them whose stored payload differs (conflicts). Every
 * other event is new and was stored.
 */
record StoredBatch(List<BitSet> duplicates, List<BitSet> conflicts) {

  /** Every event of {@code writes} requests was new. */
  static StoredBatch allNew(int writes) {
    List<BitSet> none = new ArrayList<>(writes);
    for (int i = 0; i < writes; i++) {
      none.add(new BitSet());
    }
    return new StoredBatch(none, none);
  }
}
