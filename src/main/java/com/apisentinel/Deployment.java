package com.apisentinel;

import com.apisentinel.alert.AlertVerticle;
import com.apisentinel.auth.AuthVerticle;
import com.apisentinel.auth.CredentialCheckBudget;
import com.apisentinel.bus.LocalCodec;
import com.apisentinel.config.Profile;
import com.apisentinel.config.SentinelConfig;
import com.apisentinel.http.HttpVerticle;
import com.apisentinel.limits.RateLimiter;
import com.apisentinel.metrics.IngestMeters;
import com.apisentinel.metrics.MetricsVerticle;
import com.apisentinel.metrics.Telemetry;
import com.apisentinel.rollup.RollupVerticle;
import com.apisentinel.store.Database;
import com.apisentinel.store.DurabilityGuard;
import com.apisentinel.store.Migrations;
import com.apisentinel.webhook.EndpointUrls;
import com.apisentinel.webhook.WebhookVerticle;
import com.apisentinel.writer.BatchingWriterVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verticles in start-up order — schema and durability checks, live metrics, rollup compaction,
 * webhook delivery, alert evaluation, writer, auth, HTTP — and in reverse for shutdown, so that no request is accepted before its writer
 * exists and the writer drains only after HTTP has stopped feeding it.
 */
public final class Deployment {

  private static final Logger LOG = LoggerFactory.getLogger(Deployment.class);
  private static final long LIMITER_EVICTION_MS = 60_000;

  private final Vertx vertx;
  /** Deployment ids in start-up order. */
  private final List<String> deployed;
  private final long limiterEviction;
  /** One of the identical HTTP verticles, to tell what the router serves. */
  private final HttpVerticle httpSample;

  private Deployment(Vertx vertx, List<String> deployed, long limiterEviction, HttpVerticle httpSample) {
    this.vertx = vertx;
    this.deployed = List.copyOf(deployed);
    this.limiterEviction = limiterEviction;
    this.httpSample = httpSample;
  }

  public static Future<Deployment> start(Vertx vertx, SentinelConfig config, Telemetry telemetry) {
    return start(vertx, config, telemetry, Clock.systemUTC());
  }

  /** @param clock what quota months, usage days and event timestamps are judged by (tests move it) */
  public static Future<Deployment> start(Vertx vertx, SentinelConfig config, Telemetry telemetry, Clock clock) {
    config.warnings().forEach(warning -> LOG.warn("configuration: {}", warning));
    IngestMeters meters = new IngestMeters(telemetry.registry(), config.writer().queueCapacity());
    LocalCodec.registerAll(vertx.eventBus());
    int httpInstances = config.http().instances() > 0
        ? config.http().instances() : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    DeploymentOptions http = new DeploymentOptions().setInstances(httpInstances);
    List<String> ids = new ArrayList<>();
    List<HttpVerticle> httpVerticles = new CopyOnWriteArrayList<>();
    RateLimiter limiter = new RateLimiter(System::nanoTime);
    var credentialChecks = new CredentialCheckBudget(limiter, config.security().apiKeyCacheSize(), System::nanoTime);
    long limiterEviction = vertx.setPeriodic(LIMITER_EVICTION_MS, id -> limiter.evictIdle());
    return Migrations.apply(vertx, config.database(), config.profile())
        .compose(v -> checkDurability(vertx, config))
        .compose(v -> vertx.deployVerticle(new MetricsVerticle(config.database())).onSuccess(ids::add))
        .compose(v -> vertx.deployVerticle(new RollupVerticle(config.database())).onSuccess(ids::add))
        .compose(v -> vertx.deployVerticle(new WebhookVerticle(config.database(), config.webhooks(),
            new EndpointUrls(config.profile() == Profile.PROD))).onSuccess(ids::add))
        .compose(v -> vertx.deployVerticle(new AlertVerticle(config.database(),
            config.webhooks().alertEvaluationInterval(), clock)).onSuccess(ids::add))
        .compose(v -> vertx.deployVerticle(BatchingWriterVerticle.onPostgres(config.writer(), config.database(), meters,
                config.plans(), clock))
            .onSuccess(ids::add))
        .compose(v -> vertx.deployVerticle(new AuthVerticle(config.database(), config.security().jwt()))
            .onSuccess(ids::add))
        .compose(v -> vertx.deployVerticle(() -> {
          var verticle = new HttpVerticle(config, meters, telemetry.registry(), limiter, credentialChecks, clock);
          httpVerticles.add(verticle);
          return verticle;
        }, http).onSuccess(ids::add))
        .map(v -> new Deployment(vertx, ids, limiterEviction, httpVerticles.get(0)))
        .onFailure(failure -> vertx.cancelTimer(limiterEviction));
  }

  /** What the HTTP router serves, as {@code METHOD /path} with {@code :param} placeholders. */
  public List<String> httpRoutes() {
    return httpSample.routes();
  }

  /** HTTP first (graceful, in-flight requests finish), then auth, the writer (draining) and the rest. */
  public Future<Void> stop() {
    vertx.cancelTimer(limiterEviction);
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployed.size() - 1; i >= 0; i--) {
      String id = deployed.get(i);
      chain = chain.eventually(() -> vertx.undeploy(id));
    }
    return chain;
  }

  private static Future<Void> checkDurability(Vertx vertx, SentinelConfig config) {
    var pool = Database.sharedPool(vertx, config.database());
    return DurabilityGuard.check(pool, config.profile()).eventually(pool::close);
  }
}
