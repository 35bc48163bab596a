package com.apisentinel;

import com.apisentinel.auth.AuthVerticle;
import com.apisentinel.bus.LocalCodec;
import com.apisentinel.config.SentinelConfig;
import com.apisentinel.http.HttpVerticle;
import com.apisentinel.metrics.IngestMeters;
import com.apisentinel.metrics.MetricsVerticle;
import com.apisentinel.metrics.Telemetry;
import com.apisentinel.store.Database;
import com.apisentinel.store.DurabilityGuard;
import com.apisentinel.store.Migrations;
import com.apisentinel.writer.BatchingWriterVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The verticles in start-up order — schema and durability checks, metrics, writer, auth, HTTP — and in
 * reverse for shutdown, so that no request is accepted before its writer exists and the writer
 * drains only after HTTP has stopped feeding it.
 */
public final class Deployment {

  private final Vertx vertx;
  private final String metricsId;
  private final String writerId;
  private final String authId;
  private final String httpId;

  private Deployment(Vertx vertx, String metricsId, String writerId, String authId, String httpId) {
    this.vertx = vertx;
    this.metricsId = metricsId;
    this.writerId = writerId;
    this.authId = authId;
    this.httpId = httpId;
  }

  public static Future<Deployment> start(Vertx vertx, SentinelConfig config, Telemetry telemetry) {
    IngestMeters meters = new IngestMeters(telemetry.registry());
    LocalCodec.registerAll(vertx.eventBus());
    int httpInstances = config.http().instances() > 0
        ? config.http().instances() : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    DeploymentOptions http = new DeploymentOptions().setInstances(httpInstances);
    return Migrations.apply(vertx, config.database(), config.profile())
        .compose(v -> checkDurability(vertx, config))
        .compose(v -> vertx.deployVerticle(new MetricsVerticle()))
        .compose(metricsId -> vertx.deployVerticle(
                new BatchingWriterVerticle(config.writer(), config.database(), meters))
            .compose(writerId -> vertx.deployVerticle(new AuthVerticle(config.database(), config.security().jwt(),
                config.security().apiKeyCacheTtl()))
                .compose(authId -> vertx.deployVerticle(
                        () -> new HttpVerticle(config, meters, telemetry.registry()), http)
                    .map(httpId -> new Deployment(vertx, metricsId, writerId, authId, httpId)))));
  }

  /** HTTP first (graceful, in-flight requests finish), then the writer drains, then auth and metrics. */
  public Future<Void> stop() {
    return vertx.undeploy(httpId)
        .eventually(() -> vertx.undeploy(writerId))
        .eventually(() -> vertx.undeploy(authId))
        .eventually(() -> vertx.undeploy(metricsId));
  }

  private static Future<Void> checkDurability(Vertx vertx, SentinelConfig config) {
    var pool = Database.sharedPool(vertx, config.database());
    return DurabilityGuard.check(pool, config.profile()).eventually(pool::close);
  }
}
