package com.apisentinel.http;

import com.apisentinel.auth.AccessTokens;
import com.apisentinel.auth.ApiKeyCache;
import com.apisentinel.auth.CredentialCheckBudget;
import com.apisentinel.auth.RevocationList;
import com.apisentinel.auth.SessionTiers;
import com.apisentinel.auth.VerifiedTokens;
import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.Revocations;
import com.apisentinel.config.SentinelConfig;
import com.apisentinel.ingest.IngestParser;
import com.apisentinel.rollup.RollupQueries;
import com.apisentinel.limits.RateLimiter;
import com.apisentinel.metrics.IngestMeters;
import com.apisentinel.store.Database;
import com.apisentinel.store.EventQueries;
import com.apisentinel.store.ReadinessProbe;
import com.apisentinel.store.UsageStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP front door, one instance per event loop. Never blocks: every request is either answered
 * from memory or handed to another verticle over the event bus.
 */
public final class HttpVerticle extends VerticleBase {

  /** Connections idle this long are closed (a client trickling bytes is bounded by {@link SlowClientGuard}). */
  private static final int IDLE_TIMEOUT_SECONDS = 30;
  /** For operators' Prometheus: expose it on an internal network only (it needs no credentials). */
  static final String METRICS_PATH = "/metrics";
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
  private ApiKeyCache keys;
  private RequestCounter requests;
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
    var bus = vertx.eventBus();
    keys = new ApiKeyCache(bus, config.security().apiKeyCacheTtl(), config.security().apiKeyCacheSize(),
        System::nanoTime, clock, checks);
    var accessTokens = new VerifiedTokens(AccessTokens.verifier(vertx, config.security().jwt()),
        config.security().jwt().accessTokenTtl(), config.security().apiKeyCacheSize(), System::nanoTime, clock, checks);
    var ingest = new IngestRoutes(bus, new IngestParser(clock), config.http().maxBodyBytes(),
        config.writer().ackTimeout(), meters, clock);
    var accounts = new AccountRoutes(bus);
    var sessions = new SessionRoutes(bus);
    var profile = new ProfileRoutes(bus);
    var sdk = new SdkRoutes(bus);
    var apiKeys = new KeyRoutes(bus);
    var admin = new AdminRoutes(bus, config.security().adminToken(), config.plans());
    var analytics = new AnalyticsRoutes(new EventQueries(pool));
    var metrics = new MetricsRoutes(new RollupQueries(vertx, pool), bus);
    var health = new HealthRoutes(bus, new ReadinessProbe(pool));
    var revocations = new RevocationList(System::nanoTime);
    var limits = new RateLimits(limiter, config.plans(), new RateLimiter.Rate(
        config.security().registrationInterval().toNanos(), config.security().registrationBurst()),
        RateLimiter.Rate.perMinute(config.security().registrationsPerMinute()));
    var tiers = new SessionTiers(bus, config.security().apiKeyCacheTtl(), config.security().apiKeyCacheSize(),
        System::nanoTime);
    requests = new RequestCounter(clock);
    usage = new UsageStore(pool);
    var usageRoutes = new UsageRoutes(usage, config.plans(), clock);
    var auth = new Authentication(keys, accessTokens, revocations, tiers,
        limits, requests);

    router = Router.router(vertx);
    router.route().handler(new ResponseHeaders());
    router.get(HealthRoutes.LIVE_PATH).handler(health::live);
    router.get(HealthRoutes.READY_PATH).handler(health::ready);
    router.get(METRICS_PATH).handler(PrometheusScrapingHandler.create(registry));
    router.post(AccountRoutes.REGISTER_PATH).handler(limits::registration).handler(accounts::register);
    router.post(SessionRoutes.LOGIN_PATH).handler(sessions::login);
    router.post(SessionRoutes.REFRESH_PATH).handler(sessions::refresh);
    router.post(SessionRoutes.LOGOUT_PATH).handler(auth.sessionOnly()).handler(sessions::logout);
    router.get(ProfileRoutes.PROFILE_PATH).handler(auth.sessionOnly()).handler(profile::get);
    router.put(ProfileRoutes.PROFILE_PATH).handler(auth.sessionOnly()).handler(profile::update);
    router.post(KeyRoutes.KEYS_PATH).handler(auth.sessionOnly()).handler(apiKeys::create);
    router.get(KeyRoutes.KEYS_PATH).handler(auth.sessionOnly()).handler(apiKeys::list);
    router.delete(KeyRoutes.KEY_PATH).handler(auth.sessionOnly()).handler(apiKeys::revoke);
    router.post(KeyRoutes.ROLL_PATH).handler(auth.sessionOnly()).handler(apiKeys::roll);
    router.put(AdminRoutes.TIER_PATH).handler(admin::setTier);
    router.post(IngestRoutes.EVENTS_PATH).handler(auth.anyCredential()).handler(ingest::ingest);
    router.get(IngestRoutes.EVENTS_PATH).handler(auth.anyCredential()).handler(analytics::listEvents);
    router.get(MetricsRoutes.OVERVIEW_PATH).handler(auth.anyCredential()).handler(metrics::overview);
    router.get(MetricsRoutes.GATEWAYS_PATH).handler(auth.anyCredential()).handler(metrics::gateways);
    router.get(MetricsRoutes.TIMESERIES_PATH).handler(auth.anyCredential()).handler(metrics::timeseries);
    router.get(MetricsRoutes.LIVE_PATH).handler(auth.anyCredential()).handler(metrics::live);
    router.get(UsageRoutes.USAGE_PATH).handler(auth.anyCredential()).handler(usageRoutes::get);
    router.get(SdkRoutes.CONFIG_PATH).handler(auth.anyCredential()).handler(sdk::config);
    router.get(DocsRoutes.OPENAPI_PATH).handler(docs::openApi);
    router.get(DocsRoutes.DOCS_PATH).handler(WebPages::contentSecurityPolicy).handler(docs::docsPage);
    router.get(WebPages.DASHBOARD_PATH).handler(WebPages::contentSecurityPolicy).handler(WebPages.dashboard());
    router.get(WebPages.ASSETS_PATH).handler(WebPages::contentSecurityPolicy).handler(WebPages.assets());
    MethodNotAllowed.mountAfter(router);
    ProblemResponder problems = new ProblemResponder(config.http().maxBodyBytes());
    router.route().failureHandler(problems);
    router.errorHandler(404, problems);
    router.errorHandler(405, problems);

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
    usageTimer = vertx.setPeriodic(USAGE_REPORT_MS, id -> reportUsage());
    slowClients = new SlowClientGuard(config.http().requestReadTimeout().toNanos(), System::nanoTime);
    slowClientTimer = vertx.setPeriodic(SlowClientGuard.SWEEP_MS, id -> slowClients.sweep());
    return Future.all(
            bus.<Revocations>consumer(Addresses.AUTH_REVOCATIONS, m -> revocations.apply(m.body())).completion(),
            bus.<AccountCommands.KeysRevoked>consumer(Addresses.AUTH_KEYS_REVOKED,
                m -> keys.evict(m.body().keyHashes())).completion(),
            bus.<AccountCommands.TierChanged>consumer(Addresses.AUTH_TIER_CHANGED, m -> {
              keys.evictCustomer(m.body().customerId());
              tiers.evict(m.body().customerId());
            }).completion())
        .compose(v -> server.connectionHandler(slowClients::opened)
            .requestHandler(slowClients.reading(this::route))
            .invalidRequestHandler(ProblemResponder::invalidRequest)
            .listen());
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

  /** Keys' lastUsedAt (through the auth verticle) and request counts: one write per interval, not per request. */
  private Future<Void> reportUsage() {
    var used = keys.takeUsedKeys();
    if (!used.isEmpty()) {
      vertx.eventBus().publish(Addresses.AUTH_KEYS_USED, new AccountCommands.KeysUsed(used));
    }
    var counts = requests.drain();
    return usage.addRequests(counts).onFailure(failure -> requests.restore(counts));
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
        .eventually(this::reportUsage)
        .eventually(() -> pool.close());
  }

  private Future<Void> inFlightFinished(long deadline) {
    if (!slowClients.busy() || System.nanoTime() >= deadline) {
      return Future.succeededFuture();
    }
    return vertx.timer(DRAIN_POLL_MS).compose(v -> inFlightFinished(deadline));
  }
}
