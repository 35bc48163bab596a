package com.apisentinel.webhook;

import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.config.WebhookConfig;
import com.apisentinel.store.Database;
import com.apisentinel.store.WebhookQueue;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook delivery worker. One node of the cluster delivers at a time: the one holding a
 * PostgreSQL session advisory lock on a connection of its own (if that node dies, its session
 * ends, the lock is free and another node takes over within {@link #LEADER_RETRY_MS}, making the
 * attempts its predecessor had in flight due again). It claims
 * due attempts with a lease, sends them through {@link WebhookSender} — at most
 * {@code maxInFlight} at once, and at most {@code maxInFlightPerEndpoint} to one endpoint — and
 * records each outcome with the next attempt. Ingest never waits for any of this.
 */
public final class WebhookVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookVerticle.class);
  /** "WEBH" and 1: the lock whose holder is the cluster's delivery worker. */
  private static final long DELIVERY_LOCK = 0x5745424800000001L;
  private static final long LEADER_RETRY_MS = 5_000;
  /** Longer than an attempt can take (15 s answer, DNS, recording): a live worker never loses its lease. */
  private static final int LEASE_SECONDS = 60;
  private static final int CLAIM_BATCH = 100;

  private final DatabaseConfig database;
  private final WebhookConfig config;
  private final EndpointUrls urls;
  private final Map<UUID, Integer> inFlightByEndpoint = new HashMap<>();
  private Pool pool;
  private WebhookQueue queue;
  private WebhookSender sender;
  private PgConnection leaderConnection;
  private boolean leader;
  private boolean claiming;
  private boolean stopping;
  private int inFlight;
  private long pollTimer = -1;
  private long leaderTimer = -1;

  public WebhookVerticle(DatabaseConfig database, WebhookConfig config, EndpointUrls urls) {
    this.database = database;
    this.config = config;
    this.urls = urls;
  }

  @Override
  public Future<?> start() {
    pool = Database.privatePool(vertx, database, 2);
    queue = new WebhookQueue(pool);
    sender = new WebhookSender(vertx, urls, new SecretBox(config.secretsKeyBytes()),
        new RetrySchedule(new SecureRandom()::nextDouble));
    leaderTimer = vertx.setPeriodic(1, LEADER_RETRY_MS, id -> tryToLead());
    pollTimer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> poll());
    return Future.succeededFuture();
  }

  /** Stops claiming; attempts in flight finish (each within its timeout), their leases cover the rest. */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(leaderTimer);
    Future<Void> closed = leaderConnection == null ? Future.succeededFuture() : leaderConnection.close();
    return closed.eventually(sender::close).eventually(() -> pool.close());
  }

  private void tryToLead() {
    if (leader || stopping) {
      return;
    }
    PgConnection.connect(vertx, database.connectOptions())
        .compose(connection -> connection.query("SELECT pg_try_advisory_lock(" + DELIVERY_LOCK + ")").execute()
            .map(rows -> {
              if (rows.iterator().next().getBoolean(0)) {
                leaderConnection = connection;
                connection.closeHandler(v -> {
                  leader = false;
                  leaderConnection = null;
                });
                queue.releaseAll().onComplete(released -> {
                  leader = true;
                  LOG.info("this node delivers webhooks{}", released.succeeded() && released.result() > 0
                      ? " (took over " + released.result() + " attempts in flight when the last one stopped)" : "");
                });
              } else {
                connection.close();
              }
              return null;
            }))
        .onFailure(failure -> LOG.debug("could not try for the webhook lock: {}", failure.toString()));
  }

  private void poll() {
    int free = config.maxInFlight() - inFlight;
    if (!leader || stopping || claiming || free <= 0) {
      return;
    }
    claiming = true;
    Set<UUID> saturated = new HashSet<>();
    inFlightByEndpoint.forEach((endpoint, count) -> {
      if (count >= config.maxInFlightPerEndpoint()) {
        saturated.add(endpoint);
      }
    });
    queue.claim(Math.min(free, CLAIM_BATCH), LEASE_SECONDS, saturated)
        .onComplete(claimed -> {
          claiming = false;
          if (claimed.failed()) {
            LOG.warn("could not claim webhook attempts: {}", claimed.cause().toString());
            return;
          }
          List<UUID> giveBack = new ArrayList<>();
          for (WebhookQueue.Attempt attempt : claimed.result()) {
            if (inFlightByEndpoint.getOrDefault(attempt.endpointId(), 0) >= config.maxInFlightPerEndpoint()) {
              giveBack.add(attempt.id());
            } else {
              send(attempt);
            }
          }
          queue.release(giveBack);
        });
  }

  private void send(WebhookQueue.Attempt attempt) {
    inFlight++;
    inFlightByEndpoint.merge(attempt.endpointId(), 1, Integer::sum);
    sender.deliver(attempt)
        .compose(outcome -> outcome.record(queue, attempt))
        .onFailure(failure -> LOG.warn("could not record a webhook attempt (it will be sent again): {}",
            failure.toString()))
        .onComplete(done -> {
          inFlight--;
          inFlightByEndpoint.computeIfPresent(attempt.endpointId(), (endpoint, count) -> count == 1 ? null : count - 1);
        });
  }
}
