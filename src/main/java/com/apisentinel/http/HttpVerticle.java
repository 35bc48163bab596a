package com.apisentinel.http;

import com.apisentinel.auth.CredentialCheckBudget;
import com.apisentinel.billing.Billing;
import com.apisentinel.config.Profile;
import com.apisentinel.config.SentinelConfig;
import com.apisentinel.ingest.IngestParser;
import com.apisentinel.limits.RateLimiter;
import com.apisentinel.metrics.IngestMeters;
import com.apisentinel.rollup.RollupQueries;
import com.apisentinel.store.AlertStore;
import com.apisentinel.store.BillingStore;
import com.apisentinel.store.Database;
import com.apisentinel.store.EventQueries;
import com.apisentinel.store.ReadinessProbe;
import com.apisentinel.store.UsageStore;
import com.apisentinel.store.WebhookStore;
import com.apisentinel.webhook.EndpointUrls;
import com.apisentinel.webhook.SecretBox;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP front door, one instance per event loop; it never blocks. Each request is authenticated
 * on this loop from caches (API keys and verified tokens, refreshed over the bus only when unknown
 * or stale), then: events go over the bus to the writer and are answered after their COMMIT;
 * account and session commands go to the auth verticle (argon2 runs on its workers); live numbers
 * come from the metrics verticle's memory; and reads — event listings, metric ranges, usage,
 * readiness — query PostgreSQL directly through this verticle's pool, which is the fastest way to
 * them and keeps the other verticles out of the read path.
 */
public final class HttpVerticle extends VerticleBase {

  /** Connections idle this long are closed (a client trickling bytes is bounded by {@link SlowClientGuard}). */
  private static final int IDLE_TIMEOUT_SECONDS = 30;
  /** lastUsedAt and request counts are stored this often, for one write per interval instead of one per request. */
  private static final long USAGE_REPORT_MS = 5000;
  /** How often a stopping verticle looks whether its requests in flight have been answered. */
  private static final long DRAIN_POLL_MS = 10;

  private final SentinelConfig config;
  private final IngestMeters meters;
  private final PrometheusMeterRegistry registry;
  /** One per node, shared by every HTTP verticle: a customer's limit does not multiply by event loops. */
  private final RateLimiter limiter;
  private final CredentialCheckBudget checks;
  private final Clock clock;
  private HttpServer server;
  private Authentication auth;
  private UsageStore usage;
  private long usageTimer;
  private long slowClientTimer;
  private SlowClientGuard slowClients;
  /** Set by {@link #stop()}: new requests are answered 503 while those in flight finish. */
  private boolean draining;
  private Pool pool;
  private Router router;

  public HttpVerticle(SentinelConfig config, IngestMeters meters, PrometheusMeterRegistry registry,
                      RateLimiter limiter, CredentialCheckBudget checks, Clock clock) {
    this.config = config;
    this.limiter = limiter;
    this.checks = checks;
    this.clock = clock;
    this.meters = meters;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    return DocsRoutes.load(vertx).compose(this::start);
  }

  private Future<?> start(DocsRoutes docs) {
    pool = Database.sharedPool(vertx, config.database());
    usage = new UsageStore(pool);
    auth = Authentication.create(vertx, config, limiter, checks, clock);
    router = ApiRouter.create(vertx, auth, config.http(), areas(docs));
    slowClients = new SlowClientGuard(config.http().requestReadTimeout().toNanos(), System::nanoTime);
    slowClientTimer = vertx.setPeriodic(SlowClientGuard.SWEEP_MS, id -> slowClients.sweep());
    usageTimer = vertx.setPeriodic(USAGE_REPORT_MS, id -> auth.reportUsage(vertx.eventBus(), usage));
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        // Request bodies are inflated by RequestBody, which knows the limits and answers a broken stream 400.
        .setDecompressionSupported(false)
        // HTTP/1.1 only: with h2c on, Vert.x sees a connection only once its first request head is
        // complete, so a slowloris head could not be timed. HTTP/2 belongs at the TLS proxy.
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
        .setIdleTimeoutUnit(TimeUnit.SECONDS));
    return auth.followChanges(vertx.eventBus())
        .compose(v -> server.connectionHandler(slowClients::opened)
            .requestHandler(slowClients.reading(this::route))
            .invalidRequestHandler(ProblemResponder::invalidRequest)
            .listen());
  }

  /** Every API area, in the order their routes are matched. */
  private List<RouteGroup> areas(DocsRoutes docs) {
    var bus = vertx.eventBus();
    var billingStore = new BillingStore(pool);
    var billing = new Billing(new RollupQueries(vertx, pool), billingStore, config.plans(), clock);
    return List.of(
        new HealthRoutes(bus, new ReadinessProbe(pool)),
        new PrometheusRoutes(registry),
        new AccountRoutes(bus),
        new SessionRoutes(bus),
        new ProfileRoutes(bus),
        new KeyRoutes(bus),
        new AdminRoutes(bus, config.security().adminToken(), config.plans(), new BillingExport(billing, billingStore)),
        new IngestRoutes(bus, new IngestParser(clock), config.http().maxBodyBytes(), config.writer().ackTimeout(),
            meters, clock),
        new AnalyticsRoutes(new EventQueries(pool)),
        new MetricsRoutes(new RollupQueries(vertx, pool), bus),
        new BillingRoutes(billing),
        new UsageRoutes(usage, config.plans(), clock),
        new SdkRoutes(bus),
        new AlertRoutes(new AlertStore(pool)),
        new WebhookRoutes(vertx, new WebhookStore(pool), new EndpointUrls(config.profile() == Profile.PROD),
            new SecretBox(config.webhooks().secretsKeyBytes())),
        docs,
        new WebPages());
  }

  private void route(HttpServerRequest request) {
    if (draining) {
      ProblemResponder.answerAndClose(request, ProblemResponder.SHUTTING_DOWN);
    } else if (!isChunkedOrAbsent(request.headers().getAll(HttpHeaders.TRANSFER_ENCODING))) {
      // RFC 9112 §6.1: a server that cannot decode a transfer coding answers 400 and closes; the body's
      // framing (where this request ends and the next begins) cannot be trusted.
      ProblemResponder.answerAndClose(request, ProblemResponder.UNSUPPORTED_TRANSFER_CODING);
    } else {
      router.handle(request);
    }
  }

  /** Exactly one Transfer-Encoding line saying only "chunked": "gzip, chunked" or a second line is refused. */
  private static boolean isChunkedOrAbsent(List<String> transferEncodings) {
    return transferEncodings.isEmpty()
        || transferEncodings.size() == 1 && transferEncodings.get(0).trim().equalsIgnoreCase("chunked");
  }

  /** What the router serves, as {@code METHOD /path} (path parameters as {@code :name}). */
  public List<String> routes() {
    return router.getRoutes().stream()
        .filter(route -> route.getPath() != null && route.methods() != null)
        // Vert.x reports a wildcard route's path without its star: put it back.
        .flatMap(route -> route.methods().stream()
            .map(method -> method.name() + " " + route.getPath() + (route.isExactPath() ? "" : "*")))
        .distinct()
        .toList();
  }

  /**
   * Graceful: requests arriving from now on are answered 503 at once (with Connection: close, so
   * clients retry elsewhere), requests in flight finish (ingest waits for its COMMIT), then the
   * listener and the connections close. Keeping the listener open meanwhile means a client is told
   * to retry instead of finding the port closed.
   */
  @Override
  public Future<?> stop() {
    draining = true;
    vertx.cancelTimer(usageTimer);
    vertx.cancelTimer(slowClientTimer);
    long deadline = System.nanoTime() + config.http().shutdownTimeout().toNanos();
    return inFlightFinished(deadline)
        .compose(v -> server.shutdown(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
        .eventually(() -> auth.reportUsage(vertx.eventBus(), usage))
        .eventually(() -> pool.close());
  }

  private Future<Void> inFlightFinished(long deadline) {
    if (!slowClients.busy() || System.nanoTime() >= deadline) {
      return Future.succeededFuture();
    }
    return vertx.timer(DRAIN_POLL_MS).compose(v -> inFlightFinished(deadline));
  }
}
