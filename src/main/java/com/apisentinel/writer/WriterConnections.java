package com.apisentinel.writer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The writer's own connections, not a pool: closing one of them really closes its socket, which is
 * how a batch stuck on a stalled server is abandoned. At most {@code max} are open; a connection
 * that failed at the network level is discarded and reopened on demand, which is how the writer
 * recovers by itself when PostgreSQL comes back.
 */
final class WriterConnections {

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final int max;
  private final long connectTimeoutMs;
  private final Deque<PgConnection> idle = new ArrayDeque<>();
  private final List<PgConnection> all = new ArrayList<>();
  private int opening;

  WriterConnections(Vertx vertx, PgConnectOptions options, int max, Duration connectTimeout) {
    this.vertx = vertx;
    this.options = options;
    this.max = max;
    this.connectTimeoutMs = connectTimeout.toMillis();
  }

  Future<PgConnection> acquire() {
    PgConnection connection = idle.pollFirst();
    if (connection != null) {
      return Future.succeededFuture(connection);
    }
    if (all.size() + opening >= max) {
      return Future.failedFuture(new IllegalStateException("all writer connections are busy"));
    }
    return open();
  }

  /** @param healthy false when the connection may be broken; it is closed instead of reused */
  void release(PgConnection connection, boolean healthy) {
    if (healthy && all.contains(connection)) {
      idle.addFirst(connection);
    } else {
      discard(connection);
    }
  }

  void discard(PgConnection connection) {
    all.remove(connection);
    idle.remove(connection);
    connection.close();
  }

  Future<Void> closeAll() {
    List<Future<Void>> closing = all.stream().map(PgConnection::close).toList();
    all.clear();
    idle.clear();
    return Future.join(closing).mapEmpty();
  }

  /** PgConnection.connect has no timeout of its own; a black-holed host must not hold a slot for minutes. */
  private Future<PgConnection> open() {
    opening++;
    Promise<PgConnection> result = Promise.promise();
    boolean[] slotFreed = {false};
    // On timeout the slot is freed at once, so a hanging connect cannot keep the writer at 503
    // after the database is back; the late attempt, if it ever completes, is closed below.
    long timer = vertx.setTimer(connectTimeoutMs, id -> {
      slotFreed[0] = true;
      opening--;
      result.tryFail("could not connect to PostgreSQL within " + connectTimeoutMs + " ms");
    });
    PgConnection.connect(vertx, options).onComplete(attempt -> {
      if (!slotFreed[0]) {
        opening--;
      }
      vertx.cancelTimer(timer);
      if (attempt.failed()) {
        result.tryFail(attempt.cause());
        return;
      }
      PgConnection connection = attempt.result();
      connection.closeHandler(v -> {
        all.remove(connection);
        idle.remove(connection);
      });
      if (result.tryComplete(connection)) {
        all.add(connection);
      } else {
        connection.close();
      }
    });
    return result.future();
  }
}
