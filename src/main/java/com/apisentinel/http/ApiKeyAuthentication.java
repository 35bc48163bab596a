package com.apisentinel.http;

import com.apisentinel.auth.ApiKeyCache;
import com.apisentinel.auth.UnauthenticatedException;
import com.apisentinel.bus.Principal;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Resolves {@code Authorization: Bearer sk_...} to the calling customer before the body is read.
 * The request stays paused meanwhile, so no body byte is read for an unauthenticated caller.
 */
final class ApiKeyAuthentication implements Handler<RoutingContext> {

  private static final String PRINCIPAL_KEY = "principal";
  private static final String BEARER = "Bearer ";

  private final ApiKeyCache keys;

  ApiKeyAuthentication(ApiKeyCache keys) {
    this.keys = keys;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.request().pause();
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      ctx.fail(new UnauthenticatedException("missing bearer credential"));
      return;
    }
    keys.authenticate(authorization.substring(BEARER.length()).trim())
        .onSuccess(principal -> {
          ctx.put(PRINCIPAL_KEY, principal);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL_KEY);
  }
}
