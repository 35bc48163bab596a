package com.apisentinel.http;

import com.apisentinel.auth.ApiKeyCache;
import com.apisentinel.auth.ForbiddenException;
import com.apisentinel.auth.RevocationList;
import com.apisentinel.auth.SessionTiers;
import com.apisentinel.auth.UnauthenticatedException;
import com.apisentinel.auth.VerifiedTokens;
import com.apisentinel.bus.Principal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Resolves {@code Authorization: Bearer <credential>} to the calling customer before the body is
 * read (the request stays paused, so an unauthenticated caller's body is never parsed). A
 * credential starting with {@code sk_} is an API key, anything else an access token. The caller's
 * current plan rate limit is applied as soon as the caller is known, and admitted requests are
 * counted for billing.
 */
final class Authentication {

  private static final String PRINCIPAL_KEY = "principal";
  private static final String BEARER = "Bearer ";

  private final ApiKeyCache keys;
  private final VerifiedTokens tokens;
  private final RevocationList revocations;
  private final SessionTiers tiers;
  private final RateLimits limits;
  private final RequestCounter requests;

  Authentication(ApiKeyCache keys, VerifiedTokens tokens, RevocationList revocations, SessionTiers tiers,
                 RateLimits limits, RequestCounter requests) {
    this.keys = keys;
    this.tokens = tokens;
    this.revocations = revocations;
    this.tiers = tiers;
    this.limits = limits;
    this.requests = requests;
  }

  /** API keys and access tokens alike: ingest, analytics, metrics, usage. */
  Handler<RoutingContext> anyCredential() {
    return ctx -> authenticate(ctx, true);
  }

  /** Access tokens only: account management. A valid API key gets 403, not 401. */
  Handler<RoutingContext> sessionOnly() {
    return ctx -> authenticate(ctx, false);
  }

  static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL_KEY);
  }

  private void authenticate(RoutingContext ctx, boolean apiKeyAllowed) {
    ctx.request().pause();
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      ctx.fail(new UnauthenticatedException("missing bearer credential"));
      return;
    }
    String credential = authorization.substring(BEARER.length()).trim();
    resolve(credential, ctx.request().remoteAddress().host())
        .compose(principal -> !apiKeyAllowed && principal.isApiKey()
            ? Future.failedFuture(new ForbiddenException("account management needs a login session, not an API key"))
            : tiers.current(principal))
        .onSuccess(principal -> {
          ctx.put(PRINCIPAL_KEY, principal);
          if (limits.admit(ctx, principal)) {
            requests.count(principal.customerId());
            ctx.next();
          }
        })
        .onFailure(ctx::fail);
  }

  /** Either kind, when not remembered on this node, is charged to the client's address until it proves real. */
  private Future<Principal> resolve(String credential, String clientHost) {
    if (credential.startsWith("sk_")) {
      return keys.authenticate(credential, clientHost);
    }
    return tokens.verify(credential, clientHost).compose(principal -> revocations.isRevoked(principal.session())
        ? Future.failedFuture(new UnauthenticatedException("revoked access token"))
        : Future.succeededFuture(principal));
  }
}
