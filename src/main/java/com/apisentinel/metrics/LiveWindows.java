package com.apisentinel.metrics;

import com.apisentinel.bus.EventsCommitted;
import com.apisentinel.bus.LiveWindowsView;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;

/**
 * Rolling 1m/5m/15m windows per customer, as a ring of 10-second slots: recording touches one slot,
 * a query merges the slots a window covers. Slots keep their recovery times in a sparse
 * {@link PackedHistogram}, allocated only once a recovery arrives, so an idle or failover-free
 * customer costs 90 small slots. Event-loop confined (one metrics verticle), which is why plain
 * histograms suffice where several writer threads would need a Recorder. Customers with no event for
 * 15 minutes are evicted.
 */
public final class LiveWindows {

  static final int SLOT_SECONDS = 10;
  static final int SLOTS = 90;
  /** Windows by name and length in slots, longest last. */
  static final Map<String, Integer> WINDOWS = windows();
  /** 3 significant digits: percentiles within 0.1 %, well inside API.md's 1 %. */
  private static final int SIGNIFICANT_DIGITS = 3;
  private static final long MAX_RECOVERY_MS = 600_000;

  private final LongSupplier epochMillis;
  private final Map<UUID, Ring> rings = new HashMap<>();

  public LiveWindows(LongSupplier epochMillis) {
    this.epochMillis = epochMillis;
  }

  private static Map<String, Integer> windows() {
    Map<String, Integer> windows = new LinkedHashMap<>();
    windows.put("1m", 60 / SLOT_SECONDS);
    windows.put("5m", 300 / SLOT_SECONDS);
    windows.put("15m", 900 / SLOT_SECONDS);
    return windows;
  }

  public void record(EventsCommitted batch) {
    long slot = currentSlot();
    for (EventsCommitted.Committed event : batch.events()) {
      rings.computeIfAbsent(event.customerId(), id -> new Ring()).slotFor(slot).record(event);
    }
  }

  public LiveWindowsView view(UUID customerId) {
    long now = epochMillis.getAsLong();
    long slot = now / 1000 / SLOT_SECONDS;
    Ring ring = rings.get(customerId);
    Map<String, LiveWindowsView.Window> views = new LinkedHashMap<>();
    WINDOWS.forEach((name, length) -> views.put(name, window(ring, slot, length, now)));
    return new LiveWindowsView(views);
  }

  /** Drops customers whose newest slot is older than the longest window. */
  public void evictIdle() {
    long oldestUseful = currentSlot() - SLOTS;
    for (Iterator<Ring> it = rings.values().iterator(); it.hasNext(); ) {
      if (it.next().newestSlot <= oldestUseful) {
        it.remove();
      }
    }
  }

  int customers() {
    return rings.size();
  }

  private long currentSlot() {
    return epochMillis.getAsLong() / 1000 / SLOT_SECONDS;
  }

  /** The window covers the current (partial) slot and the {@code length - 1} before it. */
  private static LiveWindowsView.Window window(Ring ring, long currentSlot, int length, long nowMillis) {
    long events = 0;
    long failovers = 0;
    Histogram recoveries = null;
    if (ring != null) {
      for (long s = currentSlot - length + 1; s <= currentSlot; s++) {
        Slot slot = ring.slots[(int) Math.floorMod(s, (long) SLOTS)];
        if (slot.id != s) {
          continue;
        }
        events += slot.events;
        failovers += slot.failovers;
        if (slot.recoveries != null && slot.recoveries.getTotalCount() > 0) {
          if (recoveries == null) {
            recoveries = new PackedHistogram(MAX_RECOVERY_MS, SIGNIFICANT_DIGITS);
          }
          recoveries.add(slot.recoveries);
        }
      }
    }
    double coveredSeconds = (length - 1) * SLOT_SECONDS + (nowMillis % (SLOT_SECONDS * 1000L)) / 1000.0;
    return new LiveWindowsView.Window(events, coveredSeconds <= 0 ? 0 : events / coveredSeconds,
        events == 0 ? 0 : (double) failovers / events,
        percentile(recoveries, 50), percentile(recoveries, 95), percentile(recoveries, 99));
  }

  private static Long percentile(Histogram histogram, double percentile) {
    return histogram == null || histogram.getTotalCount() == 0 ? null
        : histogram.getValueAtPercentile(percentile);
  }

  private static final class Ring {
    private final Slot[] slots = new Slot[SLOTS];
    private long newestSlot;

    Ring() {
      for (int i = 0; i < SLOTS; i++) {
        slots[i] = new Slot();
      }
    }

    Slot slotFor(long id) {
      Slot slot = slots[(int) Math.floorMod(id, (long) SLOTS)];
      if (slot.id != id) {
        slot.reset(id);
      }
      newestSlot = Math.max(newestSlot, id);
      return slot;
    }
  }

  private static final class Slot {
    private long id = Long.MIN_VALUE;
    private long events;
    private long failovers;
    private PackedHistogram recoveries;

    void reset(long newId) {
      id = newId;
      events = 0;
      failovers = 0;
      if (recoveries != null) {
        recoveries.reset();
      }
    }

    void record(EventsCommitted.Committed event) {
      events++;
      if (event.failoverUsed()) {
        failovers++;
        if (event.success() && event.recoveryTimeMs() != null) {
          if (recoveries == null) {
            recoveries = new PackedHistogram(MAX_RECOVERY_MS, SIGNIFICANT_DIGITS);
          }
          recoveries.recordValue(Math.min(event.recoveryTimeMs(), MAX_RECOVERY_MS));
        }
      }
    }
  }
}
