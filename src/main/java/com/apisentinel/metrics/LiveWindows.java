package com.apisentinel.metrics;

import com.apisentinel.bus.EventsCommitted;
import com.apisentinel.bus.LiveWindowsView;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;

/**
 * Rolling 1m/5m/15m windows per customer and per customer and primary gateway, each a ring of
 * 10-second slots: recording touches one slot, a query merges the slots a window covers. Slots keep
 * their recovery times in a sparse {@link PackedHistogram}, allocated only once a recovery arrives,
 * so an idle or failover-free ring costs 90 small slots. Event-loop confined (one metrics verticle),
 * which is why plain histograms suffice where several writer threads would need a Recorder. Rings
 * with no event for 15 minutes are evicted.
 */
public final class LiveWindows {

  static final int SLOT_SECONDS = 10;
  static final int SLOTS = 90;
  /** Windows by name and length in slots, longest last. */
  static final Map<String, Integer> WINDOWS = windows();

  private final LongSupplier epochMillis;
  private final Map<UUID, CustomerRings> customers = new HashMap<>();

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
      Integer[] recovery = event.failoverUsed() && event.success() && event.recoveryTimeMs() != null
          ? new Integer[] {event.recoveryTimeMs()} : null;
      addToSlot(event.customerId(), event.primaryGateway(), slot, 1, event.failoverUsed() ? 1 : 0, recovery);
    }
  }

  /**
   * Adds events counted elsewhere (the refill after a restart) to the slot holding {@code epochSecond};
   * slots already past the longest window are ignored.
   */
  public void add(UUID customerId, String primaryGateway, long epochSecond, long events, long failovers,
                  Integer[] recoveryTimes) {
    addToSlot(customerId, primaryGateway, epochSecond / SLOT_SECONDS, events, failovers, recoveryTimes);
  }

  private void addToSlot(UUID customerId, String primaryGateway, long slot, long events, long failovers,
                   Integer[] recoveryTimes) {
    if (slot <= currentSlot() - SLOTS) {
      return;
    }
    CustomerRings rings = customers.computeIfAbsent(customerId, id -> new CustomerRings());
    rings.all.add(slot, events, failovers, recoveryTimes);
    rings.byPrimary.computeIfAbsent(primaryGateway, g -> new Ring()).add(slot, events, failovers, recoveryTimes);
  }

  public LiveWindowsView view(UUID customerId) {
    long now = epochMillis.getAsLong();
    CustomerRings rings = customers.get(customerId);
    Map<String, Map<String, LiveWindowsView.Window>> gateways = new TreeMap<>();
    if (rings != null) {
      rings.byPrimary.forEach((gateway, ring) -> gateways.put(gateway, windows(ring, now)));
    }
    return new LiveWindowsView(windows(rings == null ? null : rings.all, now), gateways);
  }

  /** Drops rings whose newest slot is older than the longest window. */
  public void evictIdle() {
    long oldestUseful = currentSlot() - SLOTS;
    for (Iterator<CustomerRings> it = customers.values().iterator(); it.hasNext(); ) {
      CustomerRings rings = it.next();
      rings.byPrimary.values().removeIf(ring -> ring.newestSlot <= oldestUseful);
      if (rings.all.newestSlot <= oldestUseful) {
        it.remove();
      }
    }
  }

  int customers() {
    return customers.size();
  }

  private long currentSlot() {
    return epochMillis.getAsLong() / 1000 / SLOT_SECONDS;
  }

  private static Map<String, LiveWindowsView.Window> windows(Ring ring, long nowMillis) {
    long slot = nowMillis / 1000 / SLOT_SECONDS;
    Map<String, LiveWindowsView.Window> views = new LinkedHashMap<>();
    WINDOWS.forEach((name, length) -> views.put(name, window(ring, slot, length, nowMillis)));
    return views;
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
            recoveries = Histograms.sparse();
          }
          recoveries.add(slot.recoveries);
        }
      }
    }
    double coveredSeconds = (length - 1) * SLOT_SECONDS + (nowMillis % (SLOT_SECONDS * 1000L)) / 1000.0;
    return new LiveWindowsView.Window(events, coveredSeconds <= 0 ? 0 : events / coveredSeconds,
        events == 0 ? 0 : (double) failovers / events, Histograms.nearestRank(recoveries, 500),
        Histograms.nearestRank(recoveries, 950), Histograms.nearestRank(recoveries, 990));
  }

  private static final class CustomerRings {
    private final Ring all = new Ring();
    private final Map<String, Ring> byPrimary = new HashMap<>(4);
  }

  private static final class Ring {
    private final Slot[] slots = new Slot[SLOTS];
    private long newestSlot;

    Ring() {
      for (int i = 0; i < SLOTS; i++) {
        slots[i] = new Slot();
      }
    }

    void add(long id, long events, long failovers, Integer[] recoveryTimes) {
      Slot slot = slots[(int) Math.floorMod(id, (long) SLOTS)];
      if (slot.id > id) {
        return; // a late refill for a slot the ring has already reused
      }
      if (slot.id != id) {
        slot.reset(id);
      }
      newestSlot = Math.max(newestSlot, id);
      slot.add(events, failovers, recoveryTimes);
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

    void add(long newEvents, long newFailovers, Integer[] recoveryTimes) {
      events += newEvents;
      failovers += newFailovers;
      if (recoveryTimes != null && recoveryTimes.length > 0) {
        if (recoveries == null) {
          recoveries = Histograms.sparse();
        }
        for (Integer ms : recoveryTimes) {
          Histograms.record(recoveries, ms);
        }
      }
    }
  }
}
