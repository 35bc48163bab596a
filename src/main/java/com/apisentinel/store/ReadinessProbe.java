package com.apisentinel.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** Proves the database answers, serves reads and accepts writes, timing each step. */
public final class ReadinessProbe {

  private static final String PING = "SELECT 1";
  private static final String READ = "SELECT count(*) FROM (SELECT 1 FROM customers LIMIT 1) AS one";
  private static final String WRITE = """
      INSERT INTO readiness_heartbeat (id, beat_at) VALUES (1, now())
      ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at""";

  /** A probe must answer even when the database hangs: its caller has a timeout too. */
  private static final long TIMEOUT_MS = 2000;

  private final Pool pool;

  public ReadinessProbe(Pool pool) {
    this.pool = pool;
  }

  /** Never fails: a failed step yields {@code status: DOWN} and the reason. */
  public Future<JsonObject> check() {
    JsonObject result = new JsonObject();
    return timed(PING, result, "pingMs")
        .compose(v -> timed(READ, result, "readMs"))
        .compose(v -> timed(WRITE, result, "writeMs"))
        .map(v -> result.put("status", "UP"))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(failure -> Future.succeededFuture(result.copy().put("status", "DOWN")
            .put("error", "database unreachable, failing or too slow")));
  }

  private Future<Void> timed(String sql, JsonObject result, String field) {
    long start = System.nanoTime();
    return pool.query(sql).execute().map(rows -> {
      result.put(field, Math.round((System.nanoTime() - start) / 1e4) / 100.0);
      return null;
    });
  }
}
