import com.apisentinel.sdk.FailoverPayments;
import com.apisentinel.sdk.Gateway;
import com.apisentinel.sdk.HttpGateway;
import com.apisentinel.sdk.PaymentOutcome;
import com.apisentinel.sdk.PaymentRequest;
import com.apisentinel.sdk.PaymentResult;
import com.apisentinel.sdk.SentinelClient;
import com.apisentinel.sdk.SentinelStats;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A checkout under a flaky payment gateway: two fake gateways on this machine ("stripe" fails
 * now and then, "paypal" rarely), N payments through the SDK's postWithFailover, and what the
 * failover recovered. Every payment is reported to API Sentinel, so the dashboard shows the
 * failovers. Uses only the SDK's public surface.
 *
 * <pre>
 * java -cp sdk/target/api-sentinel-sdk.jar sdk/examples/CheckoutSimulator.java --api-key sk_live_... \
 *     [--endpoint http://localhost:8080] [--payments 500] [--primary-failure-rate 0.2] \
 *     [--secondary-failure-rate 0.02] [--latency-ms 40] [--threads 8]
 * </pre>
 */
public final class CheckoutSimulator {

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    if (!options.containsKey("api-key")) {
      System.err.println("usage: CheckoutSimulator --api-key sk_live_... [--endpoint URL] [--payments N] "
          + "[--primary-failure-rate 0..1] [--secondary-failure-rate 0..1] [--latency-ms MS] [--threads N]");
      System.exit(2);
    }
    int payments = Integer.parseInt(options.getOrDefault("payments", "500"));
    int threads = Integer.parseInt(options.getOrDefault("threads", "8"));
    long latencyMs = Long.parseLong(options.getOrDefault("latency-ms", "40"));
    FakeGateway primary = new FakeGateway(Double.parseDouble(options.getOrDefault("primary-failure-rate", "0.2")),
        latencyMs);
    FakeGateway secondary = new FakeGateway(Double.parseDouble(options.getOrDefault("secondary-failure-rate", "0.02")),
        latencyMs * 2);

    SentinelClient client = SentinelClient.builder().apiKey(options.get("api-key"))
        .endpoint(URI.create(options.getOrDefault("endpoint", "http://localhost:8080"))).build();
    Gateway stripe = HttpGateway.builder("stripe").baseUrl(primary.uri())
        .header("Authorization", "Bearer sk_test_fake").timeout(Duration.ofSeconds(2)).build();
    Gateway paypal = HttpGateway.builder("paypal").baseUrl(secondary.uri())
        .header("Authorization", "Bearer paypal-fake").timeout(Duration.ofSeconds(2)).build();
    FailoverPayments checkout = client.failover(stripe, paypal);

    System.out.printf("%d payments through stripe (fails %.0f%%), failing over to paypal (fails %.0f%%)...%n",
        payments, primary.failureRate * 100, secondary.failureRate * 100);
    List<Payment> done = pay(checkout, payments, threads);
    client.flush().get(60, TimeUnit.SECONDS);
    report(done, client.stats());
    client.close();
    primary.stop();
    secondary.stop();
  }

  /** A payment's amount and how it ended. */
  static final class Payment {
    final long cents;
    final PaymentResult result;

    Payment(long cents, PaymentResult result) {
      this.cents = cents;
      this.result = result;
    }
  }

  private static List<Payment> pay(FailoverPayments checkout, int payments, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Payment>> futures = new ArrayList<>();
    for (int i = 0; i < payments; i++) {
      long cents = 500 + ThreadLocalRandom.current().nextInt(20_000);
      futures.add(pool.submit(() -> new Payment(cents, checkout.postWithFailover(PaymentRequest.to("/charges")
          .data(Map.of("amount", cents, "currency", "usd", "source", "tok_visa"))
          .amount(cents, "USD").metadata(Map.of("channel", "checkout-simulator")).build()))));
    }
    List<Payment> done = new ArrayList<>();
    for (Future<Payment> future : futures) {
      done.add(future.get());
    }
    pool.shutdown();
    return done;
  }

  private static void report(List<Payment> payments, SentinelStats stats) {
    long onPrimary = 0, recovered = 0, recoveredCents = 0, declined = 0, failed = 0, unknown = 0;
    List<Long> recoveryTimes = new ArrayList<>();
    for (Payment payment : payments) {
      PaymentResult r = payment.result;
      if (r.success() && !r.failoverUsed()) {
        onPrimary++;
      } else if (r.success()) {
        recovered++;
        recoveredCents += payment.cents;
        recoveryTimes.add(r.recoveryTimeMs());
      } else if (r.outcome() == PaymentOutcome.DECLINED) {
        declined++;
      } else if (r.outcome() == PaymentOutcome.UNKNOWN) {
        unknown++;
      } else {
        failed++;
      }
    }
    Collections.sort(recoveryTimes);
    System.out.printf("succeeded on the primary:   %d%n", onPrimary);
    System.out.printf("recovered by failover:      %d  ($%.2f that would have been lost)%n", recovered,
        recoveredCents / 100.0);
    System.out.printf("declined (not retried):     %d%n", declined);
    System.out.printf("failed on both gateways:    %d%n", failed);
    System.out.printf("outcome unknown (timeouts): %d%n", unknown);
    if (!recoveryTimes.isEmpty()) {
      System.out.printf("recovery time p50/p95:      %d ms / %d ms%n", percentile(recoveryTimes, 50),
          percentile(recoveryTimes, 95));
    }
    System.out.printf("reported to API Sentinel:   %d accepted, %d duplicates, %d rejected, %d dropped%n",
        stats.accepted(), stats.duplicates(), stats.rejected(), stats.dropped());
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return options;
  }

  /**
   * A gateway that answers 503 (not processed) at its failure rate and charges otherwise; a little
   * latency makes it feel real.
   */
  static final class FakeGateway {
    final double failureRate;
    private final long latencyMs;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    FakeGateway(double failureRate, long latencyMs) throws IOException {
      this.failureRate = failureRate;
      this.latencyMs = latencyMs;
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(threads);
      server.createContext("/", this::charge);
      server.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    private void charge(HttpExchange exchange) throws IOException {
      exchange.getRequestBody().readAllBytes();
      try {
        Thread.sleep(latencyMs / 2 + ThreadLocalRandom.current().nextLong(latencyMs + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      boolean fails = ThreadLocalRandom.current().nextDouble() < failureRate;
      String answer = fails ? "{\"error\":{\"type\":\"api_error\",\"message\":\"temporarily unavailable\"}}"
          : "{\"status\":\"succeeded\"}";
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(fails ? 503 : 200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    }

    void stop() {
      server.stop(0);
      threads.shutdown();
    }
  }
}
