package com.apisentinel.load.sdk;

import com.apisentinel.sdk.PaymentEvent;
import com.apisentinel.sdk.SentinelClient;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;

/**
 * Bytes allocated on the calling thread per {@code track()} call, counted by the JVM for that thread
 * alone (the sender's own allocation is not the caller's cost). Prints the figure for a call with an
 * event built beforehand, and for building the event as well.
 */
public final class TrackAllocation {

  private static final int CALLS = 2_000_000;

  public static void main(String[] args) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    PaymentEvent[] events = new PaymentEvent[4096];
    for (int i = 0; i < events.length; i++) {
      events[i] = event();
    }
    for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up
      try (SentinelClient client = client()) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CALLS; i++) {
          client.track(events[i & 4095]);
        }
        long prebuilt = threads.getCurrentThreadAllocatedBytes() - before;
        long dropped = client.stats().dropped();
        before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CALLS; i++) {
          client.track(event());
        }
        long built = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("round %d: track(prebuilt event) %.2f B/call, build + track %.1f B/call (refused: %d)%n",
            round, (double) prebuilt / CALLS, (double) built / CALLS, dropped);
      }
    }
  }

  private static SentinelClient client() {
    return SentinelClient.builder().apiKey("sk_live_benchmark").endpoint(URI.create("http://127.0.0.1:9"))
        .maxQueue(2 * CALLS + 1, Long.MAX_VALUE / 2).maxBatchEvents(1000).flushInterval(Duration.ofHours(1))
        .remoteConfig(false, Duration.ofHours(1)).closeTimeout(Duration.ZERO).build();
  }

  private static PaymentEvent event() {
    return PaymentEvent.builder().primaryGateway("stripe").gatewayUsed("paypal").failoverUsed(true).success(true)
        .amount(5000).currency("USD").latencyMs(2100).recoveryTimeMs(1850).build();
  }
}
