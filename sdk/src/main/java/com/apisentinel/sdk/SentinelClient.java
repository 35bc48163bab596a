package com.apisentinel.sdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The API Sentinel client: reports payment events to the server, and makes payments with failover
 * ({@link #failover(Gateway, Gateway)}). Build one per app and share it; it is thread-safe.
 *
 * <pre>{@code
 * SentinelClient client = SentinelClient.builder().apiKey("sk_live_...")
 *     .endpoint(URI.create("https://sentinel.example.com")).build();
 * client.track(event);           // never blocks, never throws
 * client.flush().get(30, TimeUnit.SECONDS);
 * client.close();
 * }</pre>
 *
 * <p>How events travel: {@link #track} puts the event in a bounded queue (events and bytes) and
 * returns at once; when the queue is full the newest event is refused, counted in
 * {@link SentinelStats#dropped()} and reported to the {@link SentinelListener} — the SDK never grows
 * without bound and never blocks the app. One background thread ({@code api-sentinel-sender-*})
 * sends batches (up to 100 events, 512 KiB or 1 s of waiting, gzipped) and retries what the server
 * could not take (IO errors, 408, 429, 5xx) with jittered exponential backoff, honouring
 * {@code Retry-After}; every retry carries the same eventIds, so the server stores each event
 * exactly once. With a {@link Builder#spoolDirectory spool directory}, events are also written to
 * disk before {@code track} returns and survive a crash of the app.
 *
 * <p>Threads: the sender ({@code api-sentinel-sender-*}), one that completes flush futures
 * ({@code api-sentinel-callbacks-*}) and, unless you pass your own {@link Builder#httpClient HTTP
 * client}, two HTTP threads ({@code api-sentinel-http-*}); all daemons, stopped by {@link #close()}
 * (the JDK's HTTP client keeps a selector thread until it is garbage collected, before Java 21).
 */
public final class SentinelClient implements AutoCloseable {

  /** The SDK's version, sent in the User-Agent. */
  static final String VERSION = "0.1.0";
  /** Sent with every request the SDK makes, to the server and to the gateways. */
  static final String USER_AGENT = "api-sentinel-java/" + VERSION;
  private static final System.Logger LOG = System.getLogger("com.apisentinel.sdk");

  private final EventQueue queue;
  private final Sender sender;
  private final Spool spool;
  private final SafeListener listener;
  private final ExecutorService httpThreads;
  /** Completes flush futures, so that code the app chains on them never runs on the sender thread. */
  private final ExecutorService callbacks;
  private final HttpClient http;
  private final boolean ownHttpClient;
  private final long maxEventBytes;
  private final Duration closeTimeout;
  private final ConcurrentHashMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final RepeatGuard repeats = new RepeatGuard();
  private final LongAdder droppedAtTrack = new LongAdder();
  private volatile boolean closed;

  private SentinelClient(Builder b, Spool spool) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    this.spool = spool;
    this.listener = new SafeListener(b.listener);
    this.maxEventBytes = b.maxBatchBytes;
    this.closeTimeout = b.closeTimeout;
    this.queue = new EventQueue(b.maxQueueEvents, b.maxQueueBytes, spool);
    this.ownHttpClient = b.httpClient == null;
    this.httpThreads = ownHttpClient ? Executors.newFixedThreadPool(2, daemonThreads("api-sentinel-http-" + id)) : null;
    this.http = ownHttpClient ? HttpClient.newBuilder().executor(httpThreads).connectTimeout(b.connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        // The server speaks HTTP/1.1; over TLS a proxy may offer HTTP/2, which ALPN then picks.
        .version("https".equalsIgnoreCase(b.endpoint.getScheme()) ? HttpClient.Version.HTTP_2
            : HttpClient.Version.HTTP_1_1)
        .build() : b.httpClient;
    Sender.Settings settings = new Sender.Settings(b.endpoint, b.apiKey, "sdk-" + id, b.maxBatchEvents,
        b.explicitBatchEvents, b.maxBatchBytes, b.flushInterval, b.explicitFlushInterval, b.maxInFlightBatches,
        b.requestTimeout, b.remoteConfig, b.configRefreshInterval);
    this.callbacks = Executors.newSingleThreadExecutor(daemonThreads("api-sentinel-callbacks-" + id));
    this.sender = new Sender(settings, queue, spool, http, listener,
        new Backoff(b.retryBase, b.retryMax, b.maxRetryAfter), callbacks, "api-sentinel-sender-" + id);
    sender.start();
  }

  /**
   * A new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Queues an event for delivery. Never blocks and never throws: when the queue is full, the event
   * is too large, or the client is closed, it returns false, counts the event in
   * {@link SentinelStats#dropped()} and tells the listener why.
   *
   * @param event the event
   * @return whether the event was queued
   */
  public boolean track(PaymentEvent event) {
    if (event == null) {
      return false;
    }
    try {
      if (closed || !sender.isRunning()) {
        return drop(event, DropReason.CLIENT_CLOSED);
      }
      if (event.sizeBound() > maxEventBytes) {
        return drop(event, DropReason.TOO_LARGE);
      }
      byte[] spoolRecord = spool == null ? null : EventJson.toBytes(event);
      IOException[] spoolError = spool == null ? null : new IOException[1];
      switch (queue.offer(event, spoolRecord, spoolError)) {
        case FULL:
          listener.dropped(event, DropReason.QUEUE_FULL);
          return false;
        case CLOSED:
          return drop(event, DropReason.CLIENT_CLOSED);
        case ADDED_WAKE_SENDER:
          sender.wake();
          return true;
        case SPOOL_FAILED_ADDED:
          listener.spoolFailed(event, spoolError[0]);
          sender.wake();
          return true;
        default:
          return true;
      }
    } catch (RuntimeException e) {
      return drop(event, DropReason.INTERNAL_ERROR);
    }
  }

  private boolean drop(PaymentEvent event, DropReason reason) {
    droppedAtTrack.increment();
    listener.dropped(event, reason);
    return false;
  }

  /**
   * Sends everything queued now, without waiting for the batch interval. The future completes when
   * every event tracked before this call is acknowledged by the server (stored, duplicate, rejected
   * or conflict); exceptionally with {@link SentinelDeliveryException} when some of them were given up
   * after the call (refused for good, or unsent when the client closed). It waits as long as the
   * server is unreachable: bound the wait with {@code get(timeout)}. It completes on an SDK thread of
   * its own, never on the sender's, so code chained on it cannot stop delivery (but should not block:
   * chain a second flush with {@code thenCompose}, not {@code join}). At most 10,000 flushes wait at
   * once; beyond that it fails at once.
   *
   * @return the future
   */
  public CompletableFuture<Void> flush() {
    return sender.flush();
  }

  /**
   * The counters now.
   *
   * @return a snapshot
   */
  public SentinelStats stats() {
    EventQueue.Counts counts = queue.counts();
    long dropped = counts.droppedFull + droppedAtTrack.sum() + sender.dropped.get();
    return new SentinelStats(counts.tracked, sender.accepted.get(), sender.duplicates.get(), sender.rejected.get(),
        sender.conflicts.get(), sender.failed.get(), dropped, sender.retries.get(), sender.restored.get(),
        counts.queued, counts.queuedBytes);
  }

  /**
   * The server's SDK config now in force (the defaults until the server has answered).
   *
   * @return the config
   */
  public RemoteConfig remoteConfig() {
    return sender.remoteConfig();
  }

  /**
   * Payments through {@code primary}, failing over to {@code secondary}; every setting follows the
   * server's config.
   *
   * @param primary the gateway tried first
   * @param secondary the gateway to fail over to
   * @return the payments
   * @throws IllegalArgumentException when a gateway's name is not one API Sentinel knows, or both have the same
   */
  public FailoverPayments failover(Gateway primary, Gateway secondary) {
    return failover(primary, secondary, FailoverOptions.FOLLOW_SERVER);
  }

  /**
   * Payments through {@code primary}, failing over to {@code secondary}, with local settings that
   * win over the server's config.
   *
   * @param primary the gateway tried first
   * @param secondary the gateway to fail over to
   * @param options the local settings
   * @return the payments
   * @throws IllegalArgumentException when a gateway's name is not one API Sentinel knows, or both have the same
   */
  public FailoverPayments failover(Gateway primary, Gateway secondary, FailoverOptions options) {
    return new FailoverPayments(this, primary, secondary, options);
  }

  /** Payments with the app's own ids, shared by every {@link FailoverPayments} of this client. */
  RepeatGuard repeats() {
    return repeats;
  }

  /** One breaker per gateway name, shared by every {@link FailoverPayments} of this client. */
  CircuitBreaker breaker(String gateway) {
    return breakers.computeIfAbsent(gateway, name -> new CircuitBreaker(System::nanoTime));
  }

  /**
   * Stops taking events, delivers what is queued and in flight for at most the close timeout
   * (default 10 s), then stops the threads. Events still unacknowledged then stay in the spool for
   * the next start, or without a spool are counted as dropped. Idempotent; safe from any thread.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    CompletableFuture<Void> stopped = sender.stop(closeTimeout);
    if (!sender.isSenderThread()) { // called from a listener, the sender finishes after it returns
      awaitUninterruptibly(stopped, closeTimeout.plusSeconds(1));
    }
    // The threads and files go once the sender is done with them, whenever that is.
    stopped.whenComplete((done, error) -> releaseResources());
  }

  /** close() delivers for its whole timeout even on an interrupted thread; the interrupt is kept. */
  private static void awaitUninterruptibly(CompletableFuture<Void> future, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean interrupted = false;
    while (!future.isDone() && deadline - System.nanoTime() > 0) {
      try {
        future.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException | TimeoutException e) {
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void releaseResources() {
    callbacks.shutdown(); // after the completions already handed to it
    if (ownHttpClient) {
      shutdownHttpClient();
      httpThreads.shutdownNow();
    }
    if (spool != null) {
      try {
        spool.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "could not close the spool", e);
      }
    }
  }

  /** Java 21 gave HttpClient a shutdown; before it, the client's selector thread ends once it is collected. */
  private void shutdownHttpClient() {
    try {
      HttpClient.class.getMethod("shutdownNow").invoke(http);
    } catch (ReflectiveOperationException beforeJava21) {
      // Nothing to call: dropping the reference is all there is.
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + "-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Builds a {@link SentinelClient}. Only the API key is required; the defaults suit an app that
   * makes up to a few thousand payments a second.
   */
  public static final class Builder {
    private String apiKey;
    private URI endpoint = URI.create("http://localhost:8080");
    private int maxQueueEvents = 10_000;
    private long maxQueueBytes = 16L << 20;
    private int maxBatchEvents = 100;
    private boolean explicitBatchEvents;
    private long maxBatchBytes = 512L << 10;
    private Duration flushInterval = Duration.ofSeconds(1);
    private boolean explicitFlushInterval;
    private int maxInFlightBatches = 4;
    private Duration retryBase = Duration.ofMillis(500);
    private Duration retryMax = Duration.ofSeconds(30);
    private Duration maxRetryAfter = Duration.ofHours(1);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(15);
    private Duration closeTimeout = Duration.ofSeconds(10);
    private boolean remoteConfig = true;
    private Duration configRefreshInterval = Duration.ofMinutes(1);
    private Path spoolDirectory;
    private SentinelListener listener = new SentinelListener() { };
    private HttpClient httpClient;

    private Builder() {
    }

    /**
     * Sets the API key ({@code sk_live_...}) the events are sent with.
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    /**
     * Sets the server's base URL (default {@code http://localhost:8080}).
     *
     * @param endpoint the base URL
     * @return this builder
     */
    public Builder endpoint(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * Bounds the queue: at most {@code events} events and {@code bytes} bytes of them (defaults
     * 10,000 and 16 MiB). Past either, {@code track} refuses the newest event.
     *
     * @param events the most events queued
     * @param bytes the most bytes queued (each event's JSON size)
     * @return this builder
     */
    public Builder maxQueue(int events, long bytes) {
      this.maxQueueEvents = positive(events, "events");
      this.maxQueueBytes = positive(bytes, "bytes");
      return this;
    }

    /**
     * Sets the most events a batch carries (default 100, at most 1,000); wins over the server's config.
     *
     * @param events the most events per batch
     * @return this builder
     */
    public Builder maxBatchEvents(int events) {
      if (events < 1 || events > 1000) {
        throw new IllegalArgumentException("maxBatchEvents must be 1 to 1000");
      }
      this.maxBatchEvents = events;
      this.explicitBatchEvents = true;
      return this;
    }

    /**
     * Sets the most bytes a batch carries before compression (default 512 KiB, at most 1 MiB, the
     * server's limit); a single event larger than this is refused by {@code track}.
     *
     * @param bytes the most bytes per batch
     * @return this builder
     */
    public Builder maxBatchBytes(long bytes) {
      if (bytes < 8192 || bytes > (1 << 20)) {
        throw new IllegalArgumentException("maxBatchBytes must be 8 KiB to 1 MiB");
      }
      this.maxBatchBytes = bytes;
      return this;
    }

    /**
     * Sets how long the first event of a batch may wait for more (default 1 s); wins over the
     * server's config.
     *
     * @param interval the wait
     * @return this builder
     */
    public Builder flushInterval(Duration interval) {
      this.flushInterval = Objects.requireNonNull(interval, "interval");
      this.explicitFlushInterval = true;
      return this;
    }

    /**
     * Sets how many batches may be on their way at once (default 4).
     *
     * @param batches the most batches in flight
     * @return this builder
     */
    public Builder maxInFlightBatches(int batches) {
      this.maxInFlightBatches = positive(batches, "batches");
      return this;
    }

    /**
     * Sets the retry backoff: attempt n waits a random time up to {@code min(max, base * 2^(n-1))}
     * (defaults 0.5 s and 30 s).
     *
     * @param base the first ceiling
     * @param max the largest ceiling
     * @return this builder
     */
    public Builder retryBackoff(Duration base, Duration max) {
      this.retryBase = Objects.requireNonNull(base, "base");
      this.retryMax = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * Sets the longest {@code Retry-After} obeyed (default 1 h): a quota that resets at the end of
     * the month is checked again sooner, in case the plan was upgraded.
     *
     * @param max the longest pause
     * @return this builder
     */
    public Builder maxRetryAfter(Duration max) {
      this.maxRetryAfter = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * Sets the connect timeout (default 5 s) and the per-request timeout (default 15 s) towards the server.
     *
     * @param connect the connect timeout
     * @param request the time until the answer's head arrives; its body gets as long again, then the
     *     request is abandoned and retried
     * @return this builder
     */
    public Builder timeouts(Duration connect, Duration request) {
      this.connectTimeout = Objects.requireNonNull(connect, "connect");
      this.requestTimeout = Objects.requireNonNull(request, "request");
      return this;
    }

    /**
     * Sets how long {@link SentinelClient#close()} may deliver what is left (default 10 s).
     *
     * @param timeout the limit
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Turns the server's SDK config on or off (default on), and sets how often it is read
     * (default every minute).
     *
     * @param enabled whether to read it
     * @param refreshInterval how often
     * @return this builder
     */
    public Builder remoteConfig(boolean enabled, Duration refreshInterval) {
      this.remoteConfig = enabled;
      this.configRefreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
      return this;
    }

    /**
     * Keeps tracked events in this directory until the server acknowledged them, so that they
     * survive a crash of the app (not a power cut); the next client on the directory sends them.
     * Costs one file write per {@code track}. One client per directory at a time.
     *
     * @param directory the directory, created if missing
     * @return this builder
     */
    public Builder spoolDirectory(Path directory) {
      this.spoolDirectory = directory;
      return this;
    }

    /**
     * Sets who hears about drops, rejections, retries and config changes.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(SentinelListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sends with this HTTP client (proxies, TLS settings) instead of the SDK's own; the client is
     * then the app's to close.
     *
     * @param httpClient the client
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = httpClient;
      return this;
    }

    /**
     * Builds the client and starts its sender thread.
     *
     * @return the client
     * @throws IllegalStateException without an API key
     * @throws UncheckedIOException when the spool directory cannot be opened or is in use
     */
    public SentinelClient build() {
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalStateException("apiKey is required");
      }
      if (maxBatchEvents > maxQueueEvents) {
        throw new IllegalStateException("maxBatchEvents (" + maxBatchEvents + ") exceeds the queue's "
            + maxQueueEvents + " events");
      }
      validate();
      Spool spool = null;
      if (spoolDirectory != null) {
        try {
          spool = Spool.open(spoolDirectory, Math.max(maxBatchBytes, 1 << 20));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      try {
        return new SentinelClient(this, spool);
      } catch (RuntimeException e) {
        closeQuietly(spool); // the directory must not stay locked by a client that never started
        throw e;
      }
    }

    private void validate() {
      requirePositive(flushInterval, "flushInterval");
      requirePositive(retryBase, "retryBackoff base");
      requirePositive(retryMax, "retryBackoff max");
      requirePositive(connectTimeout, "connect timeout");
      requirePositive(requestTimeout, "request timeout");
      requirePositive(configRefreshInterval, "config refresh interval");
      if (retryMax.compareTo(retryBase) < 0) {
        throw new IllegalStateException("retryBackoff max is below its base");
      }
      if (maxRetryAfter.isNegative() || closeTimeout.isNegative()) {
        throw new IllegalStateException("maxRetryAfter and closeTimeout must not be negative");
      }
    }

    private static void requirePositive(Duration duration, String name) {
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalStateException(name + " must be positive");
      }
    }

    private static void closeQuietly(Spool spool) {
      if (spool != null) {
        try {
          spool.close();
        } catch (IOException ignored) {
          // The failure that matters is the one being thrown.
        }
      }
    }

    private static int positive(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return value;
    }

    private static long positive(long value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return value;
    }
  }
}
