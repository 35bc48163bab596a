package com.apisentinel.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for merchants' own web pages: a request from a listed origin gets that origin back in
 * {@code Access-Control-Allow-Origin} (never "*", never credentials: the API takes a bearer
 * header, not cookies), and its preflight is answered here, before authentication. Any other
 * origin gets no CORS header, so the browser keeps the answer from the page.
 */
final class Cors implements Handler<RoutingContext> {

  private static final CharSequence ORIGIN = HttpHeaders.createOptimized("Origin");
  private static final CharSequence ALLOW_ORIGIN = HttpHeaders.createOptimized("Access-Control-Allow-Origin");
  private static final CharSequence ALLOW_METHODS = HttpHeaders.createOptimized("Access-Control-Allow-Methods");
  private static final CharSequence ALLOW_HEADERS = HttpHeaders.createOptimized("Access-Control-Allow-Headers");
  private static final CharSequence EXPOSE_HEADERS = HttpHeaders.createOptimized("Access-Control-Expose-Headers");
  private static final CharSequence MAX_AGE = HttpHeaders.createOptimized("Access-Control-Max-Age");
  private static final CharSequence REQUEST_METHOD = HttpHeaders.createOptimized("Access-Control-Request-Method");
  private static final CharSequence METHODS = HttpHeaders.createOptimized("GET, POST, PUT, PATCH, DELETE");
  private static final CharSequence HEADERS = HttpHeaders.createOptimized(
      "Authorization, Content-Type, Content-Encoding, X-Request-Id");
  private static final CharSequence EXPOSED = HttpHeaders.createOptimized("X-Request-Id, Retry-After, RateLimit-Limit, "
      + "RateLimit-Remaining, RateLimit-Reset, X-Quota-Limit, X-Quota-Remaining, X-Quota-Reset, ETag");
  /** Preflights are cached by browsers this long (seconds). */
  private static final CharSequence TEN_MINUTES = HttpHeaders.createOptimized("600");

  private final Set<String> origins;

  Cors(Set<String> origins) {
    this.origins = origins;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    // Answers differ by Origin, so every answer says so to caches.
    response.headers().add(HttpHeaders.VARY, ORIGIN);
    String origin = ctx.request().getHeader(ORIGIN);
    if (origin == null || !origins.contains(origin.toLowerCase(Locale.ROOT))) {
      ctx.next();
      return;
    }
    response.putHeader(ALLOW_ORIGIN, origin);
    if (ctx.request().method() == HttpMethod.OPTIONS && ctx.request().getHeader(REQUEST_METHOD) != null) {
      response.putHeader(ALLOW_METHODS, METHODS).putHeader(ALLOW_HEADERS, HEADERS).putHeader(MAX_AGE, TEN_MINUTES)
          .setStatusCode(204).end();
      return;
    }
    response.putHeader(EXPOSE_HEADERS, EXPOSED);
    ctx.next();
  }
}
