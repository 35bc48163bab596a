package com.apisentinel.writer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The writer's own connections, one per slot, not a pool: a slot commits one batch at a time (its
 * quota lane relies on that), and closing a connection really closes its socket, which is how a
 * batch stuck on a stalled server is abandoned. A connection that failed at the network level is
 * discarded and reopened on demand, which is how the writer recovers by itself when PostgreSQL
 * comes back.
 */
final class WriterConnections {

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final long connectTimeoutMs;
  private final PgConnection[] slots;

  WriterConnections(Vertx vertx, PgConnectOptions options, int slots, Duration connectTimeout) {
    this.vertx = vertx;
    this.options = options;
    this.slots = new PgConnection[slots];
    this.connectTimeoutMs = connectTimeout.toMillis();
  }

  /** The slot's connection, opened if it has none. Only one batch per slot may use it at a time. */
  Future<PgConnection> acquire(int slot) {
    return slots[slot] != null ? Future.succeededFuture(slots[slot]) : open(slot);
  }

  /** @param healthy false when the connection may be broken; it is closed instead of reused */
  void release(int slot, PgConnection connection, boolean healthy) {
    if (!healthy) {
      discard(slot, connection);
    }
  }

  void discard(int slot, PgConnection connection) {
    if (slots[slot] == connection) {
      slots[slot] = null;
    }
    connection.close();
  }

  Future<Void> closeAll() {
    List<Future<Void>> closing = Arrays.stream(slots).filter(Objects::nonNull).map(PgConnection::close).toList();
    Arrays.fill(slots, null);
    return Future.join(closing).mapEmpty();
  }

  /** PgConnection.connect has no timeout of its own; a black-holed host must not hold a slot for minutes. */
  private Future<PgConnection> open(int slot) {
    Promise<PgConnection> result = Promise.promise();
    // On timeout the batch fails at once, so a hanging connect cannot keep the writer at 503 after
    // the database is back; the late attempt, if it ever completes, is closed below.
    long timer = vertx.setTimer(connectTimeoutMs, id ->
        result.tryFail("could not connect to PostgreSQL within " + connectTimeoutMs + " ms"));
    PgConnection.connect(vertx, options).onComplete(attempt -> {
      vertx.cancelTimer(timer);
      if (attempt.failed()) {
        result.tryFail(attempt.cause());
        return;
      }
      PgConnection connection = attempt.result();
      if (!result.tryComplete(connection)) {
        connection.close();
        return;
      }
      slots[slot] = connection;
      connection.closeHandler(v -> {
        if (slots[slot] == connection) {
          slots[slot] = null;
        }
      });
    });
    return result.future();
  }
}
