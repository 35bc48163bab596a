package com.apisentinel.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** First handler of every route: the request id and the security headers every response carries. */
final class ResponseHeaders implements Handler<RoutingContext> {

  static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  private static final String REQUEST_ID_KEY = "requestId";
  private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence X_CONTENT_TYPE_OPTIONS = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence X_FRAME_OPTIONS = HttpHeaders.createOptimized("X-Frame-Options");
  private static final CharSequence DENY = HttpHeaders.createOptimized("DENY");
  private static final CharSequence REFERRER_POLICY = HttpHeaders.createOptimized("Referrer-Policy");
  private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(REQUEST_ID_KEY, addTo(ctx.request()));
    ctx.next();
  }

  /** Puts the headers on the request's response; returns its request id. Also for answers given outside the router. */
  static String addTo(HttpServerRequest request) {
    String given = request.getHeader(X_REQUEST_ID);
    String requestId = given != null && CLIENT_REQUEST_ID.matcher(given).matches() ? given : newRequestId();
    MultiMap headers = request.response().headers();
    headers.add(X_REQUEST_ID, requestId)
        .add(X_CONTENT_TYPE_OPTIONS, NOSNIFF)
        .add(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .add(X_FRAME_OPTIONS, DENY)
        .add(REFERRER_POLICY, NO_REFERRER);
    return requestId;
  }

  static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID_KEY);
    return id != null ? id : newRequestId();
  }

  /** Correlation only, not a secret: a fast random value is enough. */
  private static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
  }
}
