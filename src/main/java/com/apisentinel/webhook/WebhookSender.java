package com.apisentinel.webhook;

import com.apisentinel.store.WebhookQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes one attempt: signs the stored message (Standard Webhooks), POSTs it to the address the URL
 * was just checked to resolve to, and tells what became of it. A receiver gets 15 s to answer;
 * redirects are not followed; at most {@link #MAX_RESPONSE_BYTES} of its answer are read.
 */
final class WebhookSender {

  static final long TIMEOUT_MS = 15_000;
  private static final long CONNECT_TIMEOUT_MS = 5_000;
  static final int MAX_RESPONSE_BYTES = 4096;
  private static final String USER_AGENT = "API-Sentinel-Webhooks/1";

  private final Vertx vertx;
  private final EndpointUrls urls;
  private final SecretBox secrets;
  private final RetrySchedule schedule;
  private final HttpClientAgent client;
  private final WorkerExecutor lookups;

  WebhookSender(Vertx vertx, EndpointUrls urls, SecretBox secrets, RetrySchedule schedule) {
    this.vertx = vertx;
    this.urls = urls;
    this.secrets = secrets;
    this.schedule = schedule;
    this.lookups = EndpointUrls.lookups(vertx);
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setForceSni(true)
        .setVerifyHost(true).setConnectTimeout((int) CONNECT_TIMEOUT_MS).setMaxRedirects(0), new PoolOptions());
  }

  /** What became of an attempt, and how to record it. */
  interface Outcome {
    Future<Void> record(WebhookQueue queue, WebhookQueue.Attempt attempt);
  }

  private record Delivered(int status, int durationMs) implements Outcome {
    @Override
    public Future<Void> record(WebhookQueue queue, WebhookQueue.Attempt attempt) {
      return queue.succeeded(attempt.id(), status, durationMs);
    }
  }

  private record NotDelivered(Integer status, int durationMs, String error, Instant next, String disable)
      implements Outcome {
    @Override
    public Future<Void> record(WebhookQueue queue, WebhookQueue.Attempt attempt) {
      return queue.failed(attempt.id(), status, durationMs, error, next, disable);
    }
  }

  private record Answer(int status, Duration retryAfter) {
  }

  /** Never fails: every way an attempt can go wrong is an outcome. */
  Future<Outcome> deliver(WebhookQueue.Attempt attempt) {
    long started = System.nanoTime();
    byte[] body = attempt.body().getBytes(StandardCharsets.UTF_8);
    long timestamp = Instant.now().getEpochSecond();
    String signature;
    try {
      signature = WebhookSignature.header(secretsOf(attempt), attempt.messageId(), timestamp, body);
    } catch (IllegalStateException e) {
      return Future.succeededFuture(failed(attempt, null, started, "cannot sign: " + e.getMessage(), null));
    }
    return lookups.executeBlocking(() -> urls.resolve(attempt.url()), false)
        .compose(target -> post(target, attempt.messageId(), timestamp, signature, body))
        .map(answer -> outcome(attempt, answer, started))
        .otherwise(failure -> failed(attempt, null, started, describe(failure), null));
  }

  Future<Void> close() {
    return client.close().eventually(lookups::close);
  }

  private List<byte[]> secretsOf(WebhookQueue.Attempt attempt) {
    String boundTo = attempt.endpointId().toString();
    List<byte[]> secrets = new ArrayList<>(2);
    secrets.add(this.secrets.open(attempt.secretSealed(), boundTo));
    if (attempt.previousSecretSealed() != null && attempt.previousUntil() != null
        && attempt.previousUntil().isAfter(Instant.now())) {
      secrets.add(this.secrets.open(attempt.previousSecretSealed(), boundTo));
    }
    return secrets;
  }

  private Future<Answer> post(EndpointUrls.Target target, String messageId, long timestamp, String signature,
                              byte[] body) {
    URI uri = target.uri();
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
        .setHost(uri.getHost()).setPort(target.port()).setSsl(uri.getScheme().equalsIgnoreCase("https"))
        .setURI(path).setFollowRedirects(false).setConnectTimeout(CONNECT_TIMEOUT_MS)
        .putHeader("content-type", "application/json").putHeader("user-agent", USER_AGENT)
        .putHeader("webhook-id", messageId).putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", signature);
    Promise<Answer> answer = Promise.promise();
    client.request(options).onComplete(requested -> {
      if (requested.failed()) {
        answer.tryFail(requested.cause());
        return;
      }
      var request = requested.result();
      long timer = vertx.setTimer(TIMEOUT_MS, id -> {
        answer.tryFail("no answer within " + TIMEOUT_MS / 1000 + " s");
        request.reset();
      });
      request.send(Buffer.buffer(body)).onComplete(response -> {
        if (response.failed()) {
          vertx.cancelTimer(timer);
          answer.tryFail(response.cause());
        } else {
          readLittle(response.result(), request, answer, timer);
        }
      });
    });
    return answer.future();
  }

  /** Reads the answer up to the limit (it is not kept), then the attempt is over. */
  private void readLittle(HttpClientResponse response, HttpClientRequest request,
                          Promise<Answer> answer, long timer) {
    Answer result = new Answer(response.statusCode(), retryAfter(response.getHeader("retry-after")));
    long[] read = {0};
    response.handler(chunk -> {
      read[0] += chunk.length();
      if (read[0] > MAX_RESPONSE_BYTES) {
        vertx.cancelTimer(timer);
        answer.tryComplete(result);
        request.reset();
      }
    });
    response.exceptionHandler(failure -> {
      vertx.cancelTimer(timer);
      answer.tryComplete(result);
    });
    response.endHandler(end -> {
      vertx.cancelTimer(timer);
      answer.tryComplete(result);
    });
  }

  private Outcome outcome(WebhookQueue.Attempt attempt, Answer answer, long started) {
    int status = answer.status();
    if (status >= 200 && status < 300) {
      return new Delivered(status, elapsedMs(started));
    }
    if (status == 410) {
      return new NotDelivered(status, elapsedMs(started), "410 Gone: the endpoint is disabled", null,
          "the receiver answered 410 Gone");
    }
    return new NotDelivered(status, elapsedMs(started), "answered " + status,
        schedule.next(attempt.attempt(), Instant.now(), answer.retryAfter()), null);
  }

  private NotDelivered failed(WebhookQueue.Attempt attempt, Integer status, long started, String error,
                              Duration retryAfter) {
    return new NotDelivered(status, elapsedMs(started), error,
        schedule.next(attempt.attempt(), Instant.now(), retryAfter), null);
  }

  private static String describe(Throwable failure) {
    if (failure instanceof EndpointUrls.RefusedUrlException refused) {
      return "the URL " + refused.getMessage();
    }
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return message.length() > 200 ? message.substring(0, 200) : message;
  }

  private static int elapsedMs(long started) {
    return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
  }

  /** Seconds, or an HTTP date; anything else is ignored. */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String trimmed = value.trim();
    try {
      long seconds = Long.parseLong(trimmed);
      return seconds >= 0 ? Duration.ofSeconds(Math.min(seconds, 86_400 * 7)) : null;
    } catch (NumberFormatException e) {
      try {
        Duration until = Duration.between(Instant.now(),
            ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        return until.isNegative() ? Duration.ZERO : until;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
