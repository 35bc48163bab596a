package com.apisentinel;

import com.apisentinel.config.ConfigLoader;
import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.config.InvalidConfigException;
import com.apisentinel.config.SentinelConfig;
import com.apisentinel.metrics.Telemetry;
import com.apisentinel.rollup.RollupRebuild;
import com.apisentinel.store.Migrations;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots API Sentinel: loads the configuration, starts Vert.x, deploys the verticles, and on SIGTERM
 * drains them before the JVM exits. Commands instead of serving: {@code migrate} applies the schema;
 * {@code rebuild-rollups [customer-id]} recomputes rollups from raw events.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    SentinelConfig config;
    try {
      config = ConfigLoader.load();
    } catch (InvalidConfigException e) {
      System.err.println("api-sentinel: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (args.length == 1 && args[0].equals("migrate")) {
      Migrations.migrate(config.database(), config.profile());
      return;
    }
    if (args.length >= 1 && args[0].equals("rebuild-rollups")) {
      rebuildRollups(config, args);
      return;
    }
    Telemetry telemetry = new Telemetry();
    Vertx vertx = telemetry.newVertx();
    Deployment.start(vertx, config, telemetry)
        .onSuccess(deployment -> {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(vertx, deployment), "sentinel-shutdown"));
          LOG.info("API Sentinel listening on {}:{} (profile {}, database {}, {} transport)", config.http().host(),
              config.http().port(), config.profile(), config.database(),
              vertx.isNativeTransportEnabled() ? "native" : "NIO");
        })
        .onFailure(failure -> {
          LOG.error("start-up failed: {}", failure.getMessage());
          vertx.close();
          System.exit(1);
        });
  }

  /** {@code rebuild-rollups [customer-id]}: from raw events, for one customer or all of them. */
  private static void rebuildRollups(SentinelConfig config, String[] args) throws Exception {
    Migrations.migrate(config.database(), config.profile());
    DatabaseConfig db = config.database();
    try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties())) {
      if (args.length == 2) {
        RollupRebuild.rebuild(connection, UUID.fromString(args[1]));
        LOG.info("rollups of customer {} rebuilt from raw events", args[1]);
      } else {
        LOG.info("rollups of {} customers rebuilt from raw events", RollupRebuild.rebuildAll(connection));
      }
    }
  }

  /** Runs on the JVM's shutdown thread, never an event loop, so waiting here blocks nothing. */
  private static void stop(Vertx vertx, Deployment deployment) {
    LOG.info("stopping: draining HTTP requests and the writer queue");
    try {
      long deadline = System.nanoTime() + SentinelConfig.STOP_LIMIT.toNanos();
      deployment.stop().toCompletionStage().toCompletableFuture()
          .get(SentinelConfig.STOP_LIMIT.toNanos(), TimeUnit.NANOSECONDS);
      // Closed separately: a callback chained on the closing instance would have no thread left to run on.
      vertx.close().toCompletionStage().toCompletableFuture()
          .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      LOG.info("stopped cleanly");
    } catch (Exception e) {
      LOG.error("shutdown did not complete cleanly: {}", e.toString());
    }
  }
}
