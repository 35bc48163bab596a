package com.apisentinel.http;

import com.apisentinel.auth.ForbiddenException;
import com.apisentinel.auth.TooManyFailuresException;
import com.apisentinel.auth.UnauthenticatedException;
import com.apisentinel.body.FieldError;
import com.apisentinel.body.InvalidBodyException;
import com.apisentinel.body.MalformedBodyException;
import com.apisentinel.bus.Failures;
import com.apisentinel.limits.RateLimitedLog;
import com.apisentinel.store.LimitReachedException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: every error a client sees is a problem
 * document, and nothing internal (stack trace, SQL, class name) ever leaves the process.
 */
final class ProblemResponder implements Handler<RoutingContext> {

  /** A request a client makes fail (over and over, if it likes) must not write a log line each time. */
  private static final RateLimitedLog LOG =
      new RateLimitedLog(LoggerFactory.getLogger(ProblemResponder.class), Duration.ofSeconds(10));
  static final CharSequence PROBLEM_JSON = HttpHeaders.createOptimized("application/problem+json");
  private static final CharSequence WWW_AUTHENTICATE = HttpHeaders.createOptimized("WWW-Authenticate");
  private static final String RETRY_AFTER_SECONDS = "1";
  static final Problem SHUTTING_DOWN = new Problem(503, "shutting-down", "Shutting down",
      "this server is shutting down; retry with the same eventIds");
  static final Problem UNSUPPORTED_TRANSFER_CODING = new Problem(400, "bad-request", "Bad request",
      "Transfer-Encoding must be chunked or absent (use Content-Encoding: gzip to compress)");
  /** A refused body is read and dropped up to this many bytes (or the API's own limit, if larger)... */
  static final long LINGER_BYTES = 8L << 20;
  /** ...for at most this long in all, then the connection closes... */
  static final long LINGER_MS = 5000;
  /** ...and only while bytes keep coming: a client that declared a body and sends nothing is let go sooner. */
  static final long LINGER_IDLE_MS = 1000;
  /** The largest body any endpoint accepts (http.maxBodyBytes). */
  private final int maxBodyBytes;

  ProblemResponder(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    Problem problem = toProblem(ctx);
    if (problem.status() >= 500 && problem.status() != 503) {
      LOG.error("request {} failed: {}", ResponseHeaders.requestId(ctx), String.valueOf(ctx.failure()), ctx.failure());
    }
    response.setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON);
    if (problem.status() == 401) {
      response.putHeader(WWW_AUTHENTICATE, "Bearer");
    }
    if (problem.status() == 503) {
      response.putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    if (ctx.failure() instanceof ReplyException reply && reply.failureCode() == Failures.THROTTLED) {
      response.putHeader(HttpHeaders.RETRY_AFTER, reply.getMessage());
    }
    if (ctx.failure() instanceof TooManyFailuresException refused) {
      response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(refused.retryAfterSeconds()));
    }
    boolean oversized = problem.status() == 413;
    if (oversized) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE); // after the lingering below
    }
    HttpServerRequest request = ctx.request();
    response.end(problem.toJson(ResponseHeaders.requestId(ctx)).toBuffer())
        .onComplete(done -> discardUnreadBody(request, oversized));
  }

  /**
   * A body refused before it was read whole (its sender not authenticated, over a limit, not JSON)
   * is read on and dropped after the answer, like nginx's lingering close: a client that writes its
   * whole body before it reads the answer then reads the 413 instead of a reset. Bounded in bytes
   * ({@link #LINGER_BYTES}), in time ({@link #LINGER_MS}) and in silence ({@link #LINGER_IDLE_MS});
   * past any of them, or after an oversized body's end, the connection closes. A small refused body
   * that ends in time leaves the connection usable.
   */
  private void discardUnreadBody(HttpServerRequest request, boolean closeAtEnd) {
    if (request.isEnded()) {
      if (closeAtEnd) {
        request.connection().close();
      }
      return;
    }
    long[] dropped = {0};
    long[] lastChunkAt = {System.nanoTime()};
    long limit = Math.max(LINGER_BYTES, maxBodyBytes);
    long deadline = System.nanoTime() + LINGER_MS * 1_000_000;
    Vertx vertx = Vertx.currentContext().owner();
    long timer = vertx.setPeriodic(LINGER_IDLE_MS / 4, id -> {
      long now = System.nanoTime();
      if (now - deadline >= 0 || now - lastChunkAt[0] >= LINGER_IDLE_MS * 1_000_000) {
        vertx.cancelTimer(id);
        request.connection().close();
      }
    });
    request.handler(chunk -> {
      dropped[0] += chunk.length();
      lastChunkAt[0] = System.nanoTime();
      if (dropped[0] > limit) {
        vertx.cancelTimer(timer);
        request.connection().close();
      }
    });
    request.endHandler(end -> {
      vertx.cancelTimer(timer);
      if (closeAtEnd) {
        request.connection().close();
      }
    });
    request.resume();
  }

  private static Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure == null) {
      return forStatus(ctx.statusCode());
    }
    if (failure instanceof ProblemException p) {
      return p.problem();
    }
    if (failure instanceof MalformedBodyException) {
      return new Problem(400, "malformed-body", "Malformed request body", failure.getMessage());
    }
    if (failure instanceof InvalidBodyException invalid) {
      return new Problem(422, "validation-failed", "Invalid fields", invalid.getMessage(), invalid.errors());
    }
    if (failure instanceof UnauthenticatedException) {
      return unauthenticated();
    }
    if (failure instanceof TooManyFailuresException) {
      return new Problem(429, "rate-limited", "Too many unknown credentials",
          "too many unknown API keys or access tokens from this address; credentials already in use here still work");
    }
    if (failure instanceof LimitReachedException) {
      return new Problem(409, "limit-reached", "Limit reached", failure.getMessage());
    }
    if (failure instanceof ForbiddenException) {
      return new Problem(403, "forbidden", "Forbidden", failure.getMessage());
    }
    if (failure instanceof ReplyException reply) {
      return fromReply(reply);
    }
    if (isStorageFailure(failure)) {
      return storageUnavailable();
    }
    return forStatus(ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 500);
  }

  private static Problem fromReply(ReplyException reply) {
    if (reply.failureType() == ReplyFailure.TIMEOUT) {
      return new Problem(503, "storage-slow", "Storage too slow",
          "the request did not complete in time; nothing acknowledged, retry (ingest: with the same eventIds)");
    }
    if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
      return new Problem(503, "unavailable", "Service unavailable", "the service is starting or stopping");
    }
    return switch (reply.failureCode()) {
      case Failures.WRITER_QUEUE_FULL -> new Problem(503, "overloaded", "Overloaded",
          "the ingest queue is full; retry with the same eventIds");
      case Failures.SHUTTING_DOWN -> SHUTTING_DOWN;
      case Failures.DATA_REJECTED -> new Problem(422, "rejected-by-storage", "Rejected by storage",
          "the storage refused these events; nothing was stored");
      case Failures.UNAUTHENTICATED -> unauthenticated();
      case Failures.EMAIL_TAKEN -> new Problem(409, "email-taken", "Email taken",
          "an account with this email already exists");
      case Failures.THROTTLED -> new Problem(429, "login-throttled", "Too many failed logins",
          "too many failed logins; retry after " + reply.getMessage() + " s");
      case Failures.NOT_FOUND -> forStatus(404);
      case Failures.INVALID_FIELD -> invalidField(reply.getMessage());
      default -> storageUnavailable();
    };
  }

  private static Problem storageUnavailable() {
    return new Problem(503, "storage-unavailable", "Storage unavailable",
        "the database is unavailable or too slow; retry later");
  }

  /**
   * Reads run on the shared pool from this verticle: their failures are the database's, not ours; a
   * pool whose wait queue is full is busy, which a client should retry later, never a 500.
   */
  private static boolean isStorageFailure(Throwable failure) {
    return failure instanceof PgException || failure instanceof ClosedConnectionException
        || failure instanceof ConnectionPoolTooBusyException
        || failure instanceof TimeoutException || failure instanceof java.net.ConnectException
        || (failure instanceof VertxException && String.valueOf(failure.getMessage()).contains("connection"));
  }

  /** {@code field|reason}, as the auth verticle reports a field the database refused. */
  private static Problem invalidField(String message) {
    String[] parts = message.split("\\|", 2);
    return new Problem(422, "validation-failed", "Invalid fields", "the request is invalid",
        List.of(new FieldError(parts[0], parts.length > 1 ? parts[1] : "is invalid")));
  }

  private static Problem unauthenticated() {
    return new Problem(401, "unauthenticated", "Unauthenticated",
        "a valid credential is required: Authorization: Bearer <API key or access token>");
  }

  /**
   * Requests Netty could not decode (request line or headers too long, garbage): answered as a
   * problem document like every other error, instead of Vert.x's bare status line, then the
   * connection is closed because the stream cannot be trusted any more.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = new Problem(414, "uri-too-long", "URI too long", "the request line is too long");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = new Problem(431, "headers-too-large", "Request headers too large", "the request headers are too large");
    } else {
      problem = forStatus(400);
    }
    answerAndClose(request, problem);
  }

  /** For a request whose stream can no longer be trusted: the answer is the connection's last. */
  static void answerAndClose(HttpServerRequest request, Problem problem) {
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      request.connection().close();
      return;
    }
    String routed = response.headers().get(ResponseHeaders.X_REQUEST_ID);
    String requestId = routed != null ? routed : ResponseHeaders.addTo(request);
    if (problem.status() == 503) {
      response.putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    response.setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(problem.toJson(requestId).toBuffer())
        .onComplete(done -> request.connection().close());
  }

  private static Problem forStatus(int status) {
    return switch (status) {
      case 404 -> new Problem(404, "not-found", "Not found", "no such resource");
      case 405 -> new Problem(405, "method-not-allowed", "Method not allowed", "this method is not allowed here");
      case 400 -> new Problem(400, "bad-request", "Bad request", "the request could not be understood");
      case 413 -> new Problem(413, "payload-too-large", "Payload too large", "the request is too large");
      default -> new Problem(500, "internal-error", "Internal error",
          "something went wrong on our side; the request id identifies it in our logs");
    };
  }
}
