package com.apisentinel.load.sdk;

import com.apisentinel.sdk.PaymentEvent;
import com.apisentinel.sdk.SentinelClient;
import com.apisentinel.sdk.SentinelStats;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The SDK's memory while the server is down: an app keeps tracking (with metadata, so events are not
 * tiny) against a port where nothing listens, with the default queue bounds; every 5 s the live heap
 * after a full GC is printed. It must level off at the queue's bound, however long the outage.
 * Usage: StoppedServerMemory SECONDS RATE
 */
public final class StoppedServerMemory {

  public static void main(String[] args) {
    int seconds = Integer.parseInt(args[0]);
    int rate = Integer.parseInt(args[1]);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long baseline = liveHeap(memory);
    try (SentinelClient client = SentinelClient.builder().apiKey("sk_live_benchmark")
        .endpoint(URI.create("http://127.0.0.1:9")).remoteConfig(false, Duration.ofMinutes(1))
        .closeTimeout(Duration.ZERO).build()) {
      long start = System.nanoTime();
      long periodNanos = 1_000_000_000L / rate;
      long peak = 0;
      for (long i = 0; i < (long) rate * seconds; i++) {
        LockSupport.parkNanos(start + i * periodNanos - System.nanoTime());
        client.track(PaymentEvent.builder().primaryGateway("stripe").gatewayUsed("paypal").success(true)
            .amount(5000).currency("EUR").recoveryTimeMs(800)
            .metadata(Map.of("orderId", "order-" + i, "customer", "c-" + (i % 977), "channel", "mobile")).build());
        if (i % (5L * rate) == 5L * rate - 1) {
          long live = liveHeap(memory) - baseline;
          peak = Math.max(peak, live);
          SentinelStats s = client.stats();
          System.out.printf("t=%3ds live heap above baseline %.1f MiB, %s%n", (i + 1) / rate, live / 1048576.0, s);
        }
      }
      System.out.printf("RESULT %d s at %d/s with the server down: peak live heap above baseline %.1f MiB; "
          + "dropped %d of %d%n", seconds, rate, peak / 1048576.0, client.stats().dropped(), client.stats().tracked()
          + client.stats().dropped());
    }
  }

  private static long liveHeap(MemoryMXBean memory) {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }
}
