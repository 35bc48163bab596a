package com.apisentinel.sdk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one background thread that delivers events: it takes batches from the queue (full, or its
 * oldest event waited the flush interval, or a flush asks), sends up to {@code maxInFlight} of them
 * at once without blocking on any, and handles the answers: receipts to the counters and the
 * listener, 408/429/5xx/IO errors to a retry with jittered backoff (a {@code Retry-After} pauses all
 * sending, not only that batch), 413 to two halves, other refusals to the listener as given up.
 * It also polls the server's SDK config.
 *
 * <p>All of its state is confined to its thread: HTTP completions arrive as tasks in a mailbox, and
 * the thread parks until the next deadline or until woken (a full batch, a flush, an answer, close).
 */
final class Sender implements Runnable {

  private static final System.Logger LOG = System.getLogger("com.apisentinel.sdk");
  /** A receipt for 1,000 events is about 60 KB; anything past this is not the server talking. */
  private static final int RECEIPT_LIMIT = 4 << 20;
  private static final int CONFIG_LIMIT = 64 << 10;
  /** Even with nothing to do the thread looks around this often, so that no missed wake-up can stall it. */
  private static final long MAX_PARK_NANOS = Duration.ofSeconds(1).toNanos();

  /** The sender's fixed settings, from {@link SentinelClient.Builder}. */
  static final class Settings {
    final URI eventsUri;
    final URI configUri;
    final String authorization;
    final String requestIdStem;
    final int maxBatchEvents;
    final boolean explicitBatchEvents;
    final long maxBatchBytes;
    final Duration flushInterval;
    final boolean explicitFlushInterval;
    final int maxInFlight;
    final Duration requestTimeout;
    final boolean remoteConfig;
    final long configRefreshNanos;

    Settings(URI endpoint, String apiKey, String requestIdStem, int maxBatchEvents, boolean explicitBatchEvents,
             long maxBatchBytes, Duration flushInterval, boolean explicitFlushInterval, int maxInFlight,
             Duration requestTimeout, boolean remoteConfig, Duration configRefresh) {
      String base = endpoint.toString().replaceAll("/+$", "");
      this.eventsUri = URI.create(base + "/api/v1/analytics/events");
      this.configUri = URI.create(base + "/api/v1/sdk/config");
      this.authorization = "Bearer " + apiKey;
      this.requestIdStem = requestIdStem;
      this.maxBatchEvents = maxBatchEvents;
      this.explicitBatchEvents = explicitBatchEvents;
      this.maxBatchBytes = maxBatchBytes;
      this.flushInterval = flushInterval;
      this.explicitFlushInterval = explicitFlushInterval;
      this.maxInFlight = maxInFlight;
      this.requestTimeout = requestTimeout;
      this.remoteConfig = remoteConfig;
      this.configRefreshNanos = configRefresh.toNanos();
    }
  }

  private final Settings settings;
  private final EventQueue queue;
  private final Spool spool;
  private final HttpClient http;
  private final SafeListener listener;
  private final Backoff backoff;
  private final FlushTracker flushes;
  private final ConcurrentLinkedQueue<Runnable> mailbox = new ConcurrentLinkedQueue<>();
  private final BatchEncoder encoder = new BatchEncoder();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final Thread thread;

  final AtomicLong accepted = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong conflicts = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong retries = new AtomicLong();
  final AtomicLong restored = new AtomicLong();
  /** Events the sender could not send: unsent when it finished (no spool), or spooled ones too large to restore. */
  final AtomicLong dropped = new AtomicLong();

  // Confined to the sender thread from here on.
  /** Batches sent or waiting to be retried, by first sequence number: the lowest bounds what is settled. */
  private final TreeMap<Long, Batch> unsettled = new TreeMap<>();
  private final PriorityQueue<Batch> retryQueue = new PriorityQueue<>(Comparator.comparingLong(b -> b.dueAt));
  private int inFlight;
  private long pausedUntil = System.nanoTime();
  private boolean batchOpen;
  private long batchOpenedAt;
  private long batchNumber;
  private int maxBatchEvents;
  private long flushIntervalNanos;
  private long nextConfigPoll = System.nanoTime();
  private boolean configInFlight;
  private String configEtag;
  private boolean reachable = true;
  private volatile RemoteConfig remote = RemoteConfig.DEFAULTS;
  private volatile boolean stopping;
  private volatile long stopDeadline;

  Sender(Settings settings, EventQueue queue, Spool spool, HttpClient http, SafeListener listener, Backoff backoff,
         Executor callbacks, String threadName) {
    this.flushes = new FlushTracker(callbacks);
    this.settings = settings;
    this.queue = queue;
    this.spool = spool;
    this.http = http;
    this.listener = listener;
    this.backoff = backoff;
    this.maxBatchEvents = settings.maxBatchEvents;
    this.flushIntervalNanos = settings.flushInterval.toNanos();
    queue.wakeAt(maxBatchEvents, settings.maxBatchBytes);
    this.thread = new Thread(this, threadName);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Wakes the thread (a batch is ready, a flush or close asks). Cheap when it is awake already. */
  void wake() {
    LockSupport.unpark(thread);
  }

  RemoteConfig remoteConfig() {
    return remote;
  }

  boolean isRunning() {
    return !finished.isDone();
  }

  CompletableFuture<Void> flush() {
    CompletableFuture<Void> future = flushes.request(queue.nextSeq());
    wake();
    return future;
  }

  /** Stops taking batches after {@code timeout}; until then, delivers what is queued and in flight. */
  CompletableFuture<Void> stop(Duration timeout) {
    stopDeadline = System.nanoTime() + timeout.toNanos();
    stopping = true;
    wake();
    return finished;
  }

  boolean isSenderThread() {
    return Thread.currentThread() == thread;
  }

  @Override
  public void run() {
    try {
      while (true) {
        long now = System.nanoTime();
        flushes.accept(settledBelow());
        runMailbox();
        restoreBacklog();
        pollConfig(now);
        sendRetries(now);
        sendQueued(now);
        flushes.complete(settledBelow());
        if (stopping && (idle() || System.nanoTime() - stopDeadline >= 0)) {
          return;
        }
        LockSupport.parkNanos(this, parkNanos(now));
      }
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.ERROR, "the API Sentinel sender stopped unexpectedly; events are no longer sent", e);
    } finally {
      abandonRemaining();
      finished.complete(null);
    }
  }

  private void runMailbox() {
    Runnable task;
    while ((task = mailbox.poll()) != null) {
      task.run();
    }
  }

  private void deliver(Runnable task) {
    mailbox.add(task);
    wake();
  }

  private boolean idle() {
    return inFlight == 0 && unsettled.isEmpty() && queue.headSeq() == queue.nextSeq();
  }

  /** Every event below this sequence number is settled. */
  private long settledBelow() {
    long head = queue.headSeq();
    return unsettled.isEmpty() ? head : Math.min(head, unsettled.firstKey());
  }

  private boolean paused(long now) {
    return pausedUntil - now > 0;
  }

  private long parkNanos(long now) {
    long wake = now + MAX_PARK_NANOS;
    if (settings.remoteConfig && !configInFlight && !stopping) {
      wake = earlier(wake, nextConfigPoll);
    }
    if (inFlight < settings.maxInFlight && !retryQueue.isEmpty()) {
      wake = earlier(wake, later(retryQueue.peek().dueAt, pausedUntil));
    }
    if (unsettled.size() < settings.maxInFlight && batchOpen) {
      wake = earlier(wake, later(batchOpenedAt + flushIntervalNanos, pausedUntil));
    }
    if (stopping) {
      wake = earlier(wake, stopDeadline);
    }
    return Math.max(wake - System.nanoTime(), 1000);
  }

  private static long earlier(long a, long b) {
    return a - b < 0 ? a : b;
  }

  private static long later(long a, long b) {
    return a - b < 0 ? b : a;
  }

  private void sendRetries(long now) {
    while (inFlight < settings.maxInFlight && !retryQueue.isEmpty() && !paused(now)
        && retryQueue.peek().dueAt - now <= 0) {
      send(retryQueue.poll());
    }
  }

  /**
   * New batches leave the queue only while fewer than {@code maxInFlight} are unsettled (sent, or
   * waiting for a retry): while the server is down the queue fills and refuses events, instead of
   * batches piling up behind it without bound.
   */
  private void sendQueued(long now) {
    while (unsettled.size() < settings.maxInFlight && !paused(now)) {
      EventQueue.Counts counts = queue.counts();
      if (counts.queued == 0) {
        batchOpen = false;
        return;
      }
      if (!batchOpen) {
        batchOpen = true;
        batchOpenedAt = now;
      }
      boolean full = counts.queued >= maxBatchEvents || counts.queuedBytes >= settings.maxBatchBytes;
      boolean due = now - batchOpenedAt >= flushIntervalNanos || stopping || flushes.waitsFor(queue.headSeq());
      if (!full && !due) {
        return;
      }
      Batch batch = queue.take(maxBatchEvents, settings.maxBatchBytes);
      batchOpen = false;
      unsettled.put(batch.firstSeq, batch);
      send(batch);
    }
  }

  private void send(Batch batch) {
    batch.attempts++;
    if (batch.number == 0) {
      batch.number = ++batchNumber;
    }
    byte[] body;
    try {
      body = encoder.gzip(batch.events);
    } catch (RuntimeException e) {
      // A value Jackson cannot write (a metadata map with a null key, say): halve the batch until the
      // one bad event is alone, and refuse only that one.
      split(batch, "the SDK could not encode the event: " + e);
      return;
    }
    HttpRequest request = HttpRequest.newBuilder(settings.eventsUri)
        .timeout(settings.requestTimeout)
        .header("Authorization", settings.authorization)
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .header("User-Agent", SentinelClient.USER_AGENT)
        // One id per request; the stem and batch number tie a batch's attempts together in the server's logs.
        .header("X-Request-Id", settings.requestIdStem + "." + batch.number + "." + batch.attempts)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    inFlight++;
    try {
      send(request, BoundedBody.handler(RECEIPT_LIMIT), (response, error) -> answered(batch, response, error));
    } catch (RuntimeException e) {
      answered(batch, null, e);
    }
  }

  private void answered(Batch batch, HttpResponse<byte[]> response, Throwable error) {
    inFlight--;
    if (error != null) {
      retry(batch, 0, "no answer: " + rootCause(error));
      return;
    }
    int status = response.statusCode();
    if (status == 202) {
      delivered(batch, response.body());
    } else if (status == 413) {
      split(batch, "the event is larger than the server accepts (413)");
    } else if (status == 408 || status == 429 || status >= 500 || status < 400) {
      // Only a 202 acknowledges; another 2xx or a 3xx comes from something in between (a captive
      // portal, a misrouted proxy), so the events are kept and tried again, never counted as stored.
      long retryAfter = Backoff.retryAfterNanos(response.headers().firstValue("Retry-After"),
          System.currentTimeMillis());
      retry(batch, retryAfter, Receipts.problem(response.body()).describe(status));
    } else {
      refused(batch, status, Receipts.problem(response.body()));
    }
  }

  private void delivered(Batch batch, byte[] body) {
    if (!reachable) {
      reachable = true;
      LOG.log(System.Logger.Level.INFO, "API Sentinel is reachable again; delivering the queued events");
    }
    List<Receipts.Receipt> receipts;
    try {
      receipts = Receipts.results(body);
    } catch (IOException e) {
      receipts = List.of();
    }
    if (receipts.size() != batch.size()) {
      // A 202 means the batch is committed; without readable receipts the events count as accepted.
      accepted.addAndGet(batch.size());
    } else {
      for (int i = 0; i < batch.size(); i++) {
        receipt(batch.events[i], receipts.get(i));
      }
    }
    settle(batch);
  }

  private void receipt(PaymentEvent event, Receipts.Receipt receipt) {
    switch (receipt.status) {
      case ACCEPTED:
        accepted.incrementAndGet();
        break;
      case DUPLICATE:
        duplicates.incrementAndGet();
        break;
      case REJECTED:
        rejected.incrementAndGet();
        listener.rejected(event, receipt.errors);
        break;
      default:
        conflicts.incrementAndGet();
        listener.conflict(event);
    }
  }

  private void retry(Batch batch, long retryAfterNanos, String reason) {
    long now = System.nanoTime();
    long delay = backoff.delayNanos(batch.attempts, retryAfterNanos);
    batch.dueAt = now + delay;
    retryQueue.add(batch);
    retries.incrementAndGet();
    if (retryAfterNanos > 0) {
      // The server asked for quiet: no batch goes before then, not only this one.
      pausedUntil = later(pausedUntil, now + Math.min(retryAfterNanos, backoff.maxRetryAfterNanos()));
    }
    if (reachable) {
      reachable = false;
      LOG.log(System.Logger.Level.WARNING, "API Sentinel did not take a batch ({0}); events stay queued and are "
          + "retried with backoff", reason);
    }
    listener.retrying(batch.size(), reason, Duration.ofNanos(delay));
  }

  /** The halves go again at once; a single event is refused for good, for {@code reason}. */
  private void split(Batch batch, String reason) {
    if (batch.size() == 1) {
      rejected.incrementAndGet();
      listener.rejected(batch.events[0], List.of(reason));
      settle(batch);
      return;
    }
    unsettled.remove(batch.firstSeq);
    for (Batch half : batch.halves()) {
      half.dueAt = System.nanoTime();
      unsettled.put(half.firstSeq, half);
      retryQueue.add(half);
    }
  }

  /** A 4xx that retrying cannot fix. A 422 names each event's errors: those events are rejected, not lost. */
  private void refused(Batch batch, int status, Receipts.Problem problem) {
    if (status == 422 && !problem.errorsByEvent.isEmpty()) {
      for (int i = 0; i < batch.size(); i++) {
        rejected.incrementAndGet();
        listener.rejected(batch.events[i], problem.errorsByEvent.getOrDefault(i, List.of(problem.describe(status))));
      }
    } else {
      failed.addAndGet(batch.size());
      flushes.givenUp(batch.firstSeq, batch.endSeq());
      LOG.log(System.Logger.Level.WARNING, "API Sentinel refused a batch of {0} events ({1}); they are given up",
          batch.size(), problem.describe(status));
      listener.failed(Arrays.asList(batch.events), status, problem.describe(status));
    }
    settle(batch);
  }

  private void settle(Batch batch) {
    unsettled.remove(batch.firstSeq);
    if (spool == null) {
      return;
    }
    for (long segment : batch.segments) {
      if (segment != Spool.NONE) {
        try {
          spool.settle(segment);
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "could not trim the spool; its settled events will be sent "
              + "again after a restart (the server keeps one copy)", e);
        }
      }
    }
  }

  private void restoreBacklog() {
    if (spool == null || !spool.hasBacklog()) {
      return;
    }
    try {
      restored.addAndGet(spool.restoreInto(queue, event -> {
        dropped.incrementAndGet();
        listener.dropped(event, DropReason.TOO_LARGE);
      }));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not read the spool of an earlier run", e);
    }
  }

  private void pollConfig(long now) {
    if (!settings.remoteConfig || configInFlight || stopping || now - nextConfigPoll < 0) {
      return;
    }
    configInFlight = true;
    HttpRequest.Builder request = HttpRequest.newBuilder(settings.configUri).timeout(settings.requestTimeout)
        .header("Authorization", settings.authorization).header("User-Agent", SentinelClient.USER_AGENT).GET();
    try {
      if (configEtag != null) {
        request.header("If-None-Match", configEtag);
      }
      send(request.build(), BoundedBody.handler(CONFIG_LIMIT), (response, error) -> configAnswered(response));
    } catch (RuntimeException e) {
      configAnswered(null); // an ETag the HTTP client refuses, say: ask again at the next interval
      configEtag = null;
    }
  }

  /**
   * Sends, and answers on the sender thread. The request timeout ends when the answer's head arrives;
   * a body that stalls after it is cut off once as long again has passed, and the exchange is then
   * cancelled so that its connection and buffer are let go (the JDK closes it on Java 16 and later).
   */
  private void send(HttpRequest request, HttpResponse.BodyHandler<byte[]> handler,
                    BiConsumer<HttpResponse<byte[]>, Throwable> then) {
    CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, handler);
    call.copy().orTimeout(2 * settings.requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((response, error) -> {
          if (error != null) {
            call.cancel(true);
          }
          deliver(() -> then.accept(response, error));
        });
  }

  private void configAnswered(HttpResponse<byte[]> response) {
    configInFlight = false;
    nextConfigPoll = System.nanoTime() + settings.configRefreshNanos;
    if (response == null || response.statusCode() != 200) {
      return; // 304: unchanged; anything else: keep what is in force and ask again later
    }
    try {
      RemoteConfig config = RemoteConfig.parse(response.body());
      configEtag = response.headers().firstValue("ETag").orElse(null);
      apply(config);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "unreadable SDK config from the server", e);
    }
  }

  private void apply(RemoteConfig config) {
    if (config.equals(remote)) {
      return;
    }
    remote = config;
    if (!settings.explicitBatchEvents) {
      maxBatchEvents = Math.min(config.maxBatchEvents(), queue.capacity());
    }
    if (!settings.explicitFlushInterval) {
      flushIntervalNanos = config.flushInterval().toNanos();
    }
    queue.wakeAt(maxBatchEvents, settings.maxBatchBytes);
    listener.configChanged(config);
  }

  /** At the end: events not acknowledged stay in the spool, or are dropped (counted) without one. */
  private void abandonRemaining() {
    List<Batch> left = new ArrayList<>(unsettled.values());
    unsettled.clear();
    retryQueue.clear();
    Batch queued = queue.closeAndTakeAll();
    if (queued != null) {
      left.add(queued);
    }
    for (Batch batch : left) {
      flushes.givenUp(batch.firstSeq, batch.endSeq());
      if (spool == null) {
        dropped.addAndGet(batch.size());
        for (PaymentEvent event : batch.events) {
          listener.dropped(event, DropReason.UNSENT_AT_CLOSE);
        }
      }
    }
    flushes.abandon(queue.nextSeq());
  }

  private static String rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
  }
}
