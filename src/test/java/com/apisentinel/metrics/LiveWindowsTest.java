package com.apisentinel.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.apisentinel.bus.EventsCommitted;
import com.apisentinel.bus.LiveWindowsView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveWindowsTest {

  /** 5 s into a 10-second slot, so window lengths are easy to state. */
  private final AtomicLong now = new AtomicLong(1_800_000_005_000L);
  private final LiveWindows windows = new LiveWindows(now::get);
  private final UUID customer = UUID.randomUUID();

  private void advanceSeconds(long seconds) {
    now.addAndGet(seconds * 1000);
  }

  private EventsCommitted.Committed direct() {
    return new EventsCommitted.Committed(customer, "stripe", false, true, null);
  }

  private EventsCommitted.Committed recovery(int ms) {
    return new EventsCommitted.Committed(customer, "stripe", true, true, ms);
  }

  @Test
  void eachWindowCountsOnlyWhatFallsInsideIt() {
    windows.record(new EventsCommitted(List.of(direct(), direct())));
    advanceSeconds(120);
    windows.record(new EventsCommitted(List.of(direct(), recovery(100), new EventsCommitted.Committed(customer, "adyen",
        true, false, null))));

    LiveWindowsView view = windows.view(customer);
    assertThat(view.windows().keySet()).containsExactly("1m", "5m", "15m");
    LiveWindowsView.Window oneMinute = view.windows().get("1m");
    assertThat(oneMinute.events()).isEqualTo(3);
    assertThat(oneMinute.failoverRate()).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(oneMinute.eventsPerSecond()).isCloseTo(3 / 55.0, within(1e-9));
    assertThat(oneMinute.recoveryTimeP50()).isEqualTo(100);
    assertThat(view.windows().get("5m").events()).isEqualTo(5);
    assertThat(view.windows().get("15m").events()).isEqualTo(5);

    advanceSeconds(15 * 60);
    LiveWindowsView later = windows.view(customer);
    assertThat(later.windows().get("15m").events()).isZero();
    assertThat(later.windows().get("15m").recoveryTimeP95()).isNull();
  }

  @Test
  void percentilesAreWithinOnePercentOfExact() {
    Random random = new Random(7);
    List<Integer> values = new ArrayList<>();
    List<EventsCommitted.Committed> events = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      int ms = 1 + random.nextInt(60_000);
      values.add(ms);
      events.add(recovery(ms));
      if (i % 5000 == 4999) {
        windows.record(new EventsCommitted(events));
        events.clear();
        advanceSeconds(10);
      }
    }
    List<Integer> sorted = values.stream().sorted().toList();
    LiveWindowsView.Window window = windows.view(customer).windows().get("5m");
    for (double[] p : new double[][] {{50, window.recoveryTimeP50()}, {95, window.recoveryTimeP95()},
        {99, window.recoveryTimeP99()}}) {
      double exact = sorted.get((int) Math.ceil(p[0] / 100 * sorted.size()) - 1);
      assertThat(p[1]).as("p" + p[0]).isCloseTo(exact, within(exact * 0.01));
    }
  }

  @Test
  void idleCustomersAreEvictedAndUnknownOnesSeeZeros() {
    windows.record(new EventsCommitted(List.of(direct())));
    assertThat(windows.customers()).isEqualTo(1);
    advanceSeconds(16 * 60);
    windows.evictIdle();
    assertThat(windows.customers()).isZero();
    LiveWindowsView.Window nobody = windows.view(UUID.randomUUID()).windows().get("1m");
    assertThat(nobody.events()).isZero();
    assertThat(nobody.failoverRate()).isZero();
  }
}
