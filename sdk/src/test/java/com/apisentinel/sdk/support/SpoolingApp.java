package com.apisentinel.sdk.support;

import com.apisentinel.sdk.PaymentEvent;
import com.apisentinel.sdk.SentinelClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A merchant's app in its own JVM, for the crash test: {@code track N} tracks N events with a spool
 * and then waits to be killed; {@code drain} starts on the same spool, flushes what an earlier run
 * left, prints its stats and exits.
 */
public final class SpoolingApp {

  private SpoolingApp() {
  }

  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    String apiKey = args[1];
    Path spool = Path.of(args[2]);
    SentinelClient client = SentinelClient.builder().apiKey(apiKey).endpoint(endpoint).spoolDirectory(spool)
        .maxQueue(50_000, 64L << 20).retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .remoteConfig(false, Duration.ofMinutes(1)).build();
    if (args[3].equals("track")) {
      int events = Integer.parseInt(args[4]);
      for (int i = 0; i < events; i++) {
        if (!client.track(PaymentEvent.builder().eventId("spooled-" + i).primaryGateway("stripe").gatewayUsed("paypal")
            .success(true).amount(1200).currency("EUR").recoveryTimeMs(900).build())) {
          throw new IllegalStateException("track refused event " + i);
        }
      }
      System.out.println("TRACKED " + events);
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE); // until kill -9
    } else {
      org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> client.stats().queued() == 0
          && client.stats().restored() > 0);
      client.flush().get(1, TimeUnit.MINUTES);
      System.out.println("DRAINED " + client.stats());
      client.close();
    }
  }
}
