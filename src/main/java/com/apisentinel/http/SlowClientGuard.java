package com.apisentinel.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slowloris defence. The idle timeout alone cannot stop a client that trickles a byte every few
 * seconds, because each byte restarts it. This guard bounds the whole read instead: a connection
 * must deliver a request's head within the read timeout of becoming ready for one (opened, or its
 * previous response sent), and the request's body within the read timeout of its head. A late head
 * closes the connection; a late body is answered 408 and then the connection is closed.
 *
 * <p>One instance per HTTP verticle, used only on its event loop. Deadlines are checked by a sweep
 * every {@link #SWEEP_MS} rather than by a timer per request, which would cost the ingest path a
 * timer schedule and cancel on every event; a deadline is thus enforced up to one sweep late.
 */
final class SlowClientGuard {

  static final long SWEEP_MS = 1000;

  private final long timeoutNanos;
  private final LongSupplier nanoTime;
  private final Map<HttpConnection, Reading> connections = new IdentityHashMap<>();

  SlowClientGuard(long timeoutNanos, LongSupplier nanoTime) {
    this.timeoutNanos = timeoutNanos;
    this.nanoTime = nanoTime;
  }

  /** For {@code HttpServer.connectionHandler}: the head deadline starts when the connection opens. */
  void opened(HttpConnection connection) {
    connections.put(connection, new Reading(connection, nanoTime.getAsLong()));
    connection.closeHandler(v -> connections.remove(connection));
  }

  /** Wraps the server's request handler: the body deadline starts when a request's head has arrived. */
  Handler<HttpServerRequest> reading(Handler<HttpServerRequest> next) {
    return request -> {
      Reading reading = connections.get(request.connection());
      if (reading != null) {
        reading.request = request;
        reading.since = nanoTime.getAsLong();
      }
      next.handle(request);
    };
  }

  /** Whether some request has been received and not fully answered yet. */
  boolean busy() {
    return connections.values().stream()
        .anyMatch(reading -> reading.request != null && !reading.request.response().ended());
  }

  /** Run every {@link #SWEEP_MS} on the verticle's event loop. */
  void sweep() {
    long now = nanoTime.getAsLong();
    for (Reading reading : List.copyOf(connections.values())) {
      HttpServerRequest request = reading.request;
      if (request != null && request.response().ended()) {
        // The previous exchange is over: the next request's head is due from now.
        reading.request = null;
        reading.since = now;
      } else if (now - reading.since > timeoutNanos) {
        if (request == null) {
          reading.connection.close();
        } else if (!request.isEnded()) {
          ProblemResponder.answerAndClose(request, new Problem(408, "request-timeout", "Request timeout",
              "the request body did not arrive within " + timeoutNanos / 1_000_000_000 + " s"));
        }
      }
    }
  }

  /** What a connection is waiting for: a request's head ({@code request == null}) or its body. */
  private static final class Reading {
    private final HttpConnection connection;
    private HttpServerRequest request;
    private long since;

    private Reading(HttpConnection connection, long since) {
      this.connection = connection;
      this.since = since;
    }
  }
}
