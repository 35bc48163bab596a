package com.apisentinel.load.sdk;

import com.apisentinel.sdk.PaymentEvent;
import com.apisentinel.sdk.SentinelClient;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code track()} costs the app's thread: the time of one call (sampled, for its median and p99)
 * and, with {@code -prof gc}, the bytes it allocates per call. {@code track} measures a call with an
 * event built beforehand (the SDK's own cost); {@code buildAndTrack} adds building the event, which an
 * app pays too.
 *
 * <p>A call that finds the queue full is a different, cheaper path (a refusal); the benchmark keeps
 * the queue from filling by giving each iteration a fresh client with room for every call it can
 * make, and fails if any call was refused. The sender thread runs meanwhile, taking full batches and
 * trying to send them (to a port nobody listens on), so the caller competes with it as in an app.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 20, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgs = {"-Xms3g", "-Xmx3g"})
public class TrackBenchmark {

  /** Room for one iteration's calls (200 ms at a call per 20 ns is 10 million). */
  private static final int CAPACITY = 20_000_000;
  private static final int DISTINCT_EVENTS = 4096;

  private final PaymentEvent[] events = new PaymentEvent[DISTINCT_EVENTS];
  private SentinelClient client;
  private int next;

  @Setup(Level.Trial)
  public void buildEvents() {
    for (int i = 0; i < events.length; i++) {
      events[i] = event();
    }
  }

  @Setup(Level.Iteration)
  public void freshClient() {
    client = SentinelClient.builder().apiKey("sk_live_benchmark").endpoint(URI.create("http://127.0.0.1:9"))
        .maxQueue(CAPACITY, Long.MAX_VALUE / 2).maxBatchEvents(1000).flushInterval(Duration.ofHours(1))
        .remoteConfig(false, Duration.ofHours(1)).closeTimeout(Duration.ZERO).build();
  }

  @TearDown(Level.Iteration)
  public void closeClient() {
    long refused = client.stats().dropped();
    client.close();
    if (refused > 0) {
      throw new IllegalStateException(refused + " calls found the queue full: the figures would mix in refusals");
    }
  }

  @Benchmark
  public boolean track() {
    PaymentEvent event = events[next++ & (DISTINCT_EVENTS - 1)];
    return client.track(event);
  }

  @Benchmark
  public boolean buildAndTrack() {
    return client.track(event());
  }

  private static PaymentEvent event() {
    return PaymentEvent.builder().primaryGateway("stripe").gatewayUsed("paypal").failoverUsed(true).success(true)
        .amount(5000).currency("USD").latencyMs(2100).recoveryTimeMs(1850).build();
  }
}
