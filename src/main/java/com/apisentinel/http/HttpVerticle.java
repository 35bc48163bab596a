package com.apisentinel.http;

import com.apisentinel.auth.AccessTokens;
import com.apisentinel.auth.ApiKeyCache;
import com.apisentinel.auth.RevocationList;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.Revocations;
import com.apisentinel.config.SentinelConfig;
import com.apisentinel.ingest.IngestParser;
import com.apisentinel.store.Database;
import com.apisentinel.store.ReadinessProbe;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP front door, one instance per event loop. Never blocks: every request is either answered
 * from memory or handed to another verticle over the event bus.
 */
public final class HttpVerticle extends VerticleBase {

  /** Connections idle this long are closed: a slow or stuck client cannot hold a socket forever. */
  private static final int IDLE_TIMEOUT_SECONDS = 30;

  private final SentinelConfig config;
  private HttpServer server;
  private Pool pool;

  public HttpVerticle(SentinelConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = Database.sharedPool(vertx, config.database());
    var bus = vertx.eventBus();
    var keys = new ApiKeyCache(bus, config.security().apiKeyCacheTtl(), config.security().apiKeyCacheSize(),
        System::nanoTime);
    var ingest = new IngestRoutes(bus, new IngestParser(Clock.systemUTC()), config.http().maxBodyBytes(),
        config.writer().ackTimeout());
    var accounts = new AccountRoutes(bus);
    var sessions = new SessionRoutes(bus);
    var health = new HealthRoutes(bus, new ReadinessProbe(pool));
    var revocations = new RevocationList(System::nanoTime);
    var auth = new Authentication(keys, AccessTokens.verifier(vertx, config.security().jwt()), revocations);

    Router router = Router.router(vertx);
    router.route().handler(new ResponseHeaders());
    router.get(HealthRoutes.LIVE_PATH).handler(health::live);
    router.get(HealthRoutes.READY_PATH).handler(health::ready);
    router.post(AccountRoutes.REGISTER_PATH).handler(accounts::register);
    router.post(SessionRoutes.LOGIN_PATH).handler(sessions::login);
    router.post(SessionRoutes.REFRESH_PATH).handler(sessions::refresh);
    router.post(SessionRoutes.LOGOUT_PATH).handler(auth.sessionOnly()).handler(sessions::logout);
    router.post(IngestRoutes.EVENTS_PATH).handler(auth.anyCredential()).handler(ingest::ingest);
    ProblemResponder problems = new ProblemResponder();
    router.route().failureHandler(problems);
    router.errorHandler(404, problems);
    router.errorHandler(405, problems);

    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        .setDecompressionSupported(true)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
        .setIdleTimeoutUnit(TimeUnit.SECONDS));
    return bus.<Revocations>consumer(Addresses.AUTH_REVOCATIONS, m -> revocations.apply(m.body())).completion()
        .compose(v -> server.requestHandler(router).listen());
  }

  /** Graceful: stop accepting, let in-flight requests finish (they wait for COMMIT), then close. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.http().shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .eventually(() -> pool.close());
  }
}
