package com.apisentinel.load.sdk;

import com.apisentinel.sdk.PaymentEvent;
import com.apisentinel.sdk.SentinelClient;
import com.apisentinel.sdk.SentinelStats;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One SDK instance sending to a running server: tracks events at a paced target rate for a while
 * (default settings but a larger batch, as a busy app would configure), then flushes and prints
 * what the server acknowledged per second, the events refused by a full queue, and the SDK's retries.
 * Usage: ThroughputRun URL API_KEY RATE SECONDS [BATCH_EVENTS [IN_FLIGHT_BATCHES]]
 */
public final class ThroughputRun {

  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    int rate = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int batch = args.length > 4 ? Integer.parseInt(args[4]) : 100;
    int inFlight = args.length > 5 ? Integer.parseInt(args[5]) : 4;
    try (SentinelClient client = SentinelClient.builder().apiKey(args[1]).endpoint(endpoint)
        .maxBatchEvents(batch).maxInFlightBatches(inFlight).maxQueue(Math.max(10_000, batch * 20), 64L << 20)
        .remoteConfig(false, Duration.ofMinutes(1)).build()) {
      String run = Long.toString(System.currentTimeMillis(), 36);
      long start = System.nanoTime();
      long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
      long total = (long) rate * seconds;
      for (long i = 0; i < total; i++) {
        long due = start + i * periodNanos;
        long wait = due - System.nanoTime();
        if (wait > 50_000) {
          LockSupport.parkNanos(wait);
        }
        client.track(PaymentEvent.builder().eventId("tp-" + run + "-" + i).primaryGateway("stripe")
            .gatewayUsed(i % 5 == 0 ? "paypal" : "stripe").success(true).amount(1000 + i % 9000).currency("USD")
            .latencyMs(120).recoveryTimeMs(i % 5 == 0 ? 900 : -1).build());
        if (i % rate == rate - 1) {
          SentinelStats s = client.stats();
          System.out.printf("t=%3ds tracked=%d accepted=%d queued=%d dropped=%d retries=%d%n",
              (i + 1) / rate, s.tracked(), s.accepted(), s.queued(), s.dropped(), s.retries());
        }
      }
      long tracking = System.nanoTime() - start;
      client.flush().get(2, TimeUnit.MINUTES);
      long elapsed = System.nanoTime() - start;
      SentinelStats s = client.stats();
      System.out.printf("RESULT target=%d/s for %ds, batch=%d, in flight=%d: tracked=%d accepted=%d duplicates=%d dropped=%d "
              + "retries=%d; offered %.0f/s, acknowledged %.0f/s (all acknowledged %.1f s after the last track)%n",
          rate, seconds, batch, inFlight, s.tracked(), s.accepted(), s.duplicates(), s.dropped(), s.retries(),
          s.tracked() / (tracking / 1e9), (s.accepted() + s.duplicates()) / (elapsed / 1e9),
          (elapsed - tracking) / 1e9);
    }
  }
}
