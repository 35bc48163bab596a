package com.apisentinel.http;

import com.apisentinel.auth.AccessTokens;
import com.apisentinel.auth.ApiKeyCache;
import com.apisentinel.auth.CredentialCheckBudget;
import com.apisentinel.auth.ForbiddenException;
import com.apisentinel.auth.Principal;
import com.apisentinel.auth.RevocationList;
import com.apisentinel.auth.SessionTiers;
import com.apisentinel.auth.UnauthenticatedException;
import com.apisentinel.auth.VerifiedTokens;
import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import com.apisentinel.config.SecurityConfig;
import com.apisentinel.config.SentinelConfig;
import com.apisentinel.limits.RateLimiter;
import com.apisentinel.store.UsageStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

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

  private Authentication(ApiKeyCache keys, VerifiedTokens tokens, RevocationList revocations, SessionTiers tiers,
                         RateLimits limits, RequestCounter requests) {
    this.keys = keys;
    this.tokens = tokens;
    this.revocations = revocations;
    this.tiers = tiers;
    this.limits = limits;
    this.requests = requests;
  }

  /**
   * One per HTTP verticle: its caches are confined to the verticle's event loop. The rate limiter
   * and the budget for checking unknown credentials are the node's, shared by every loop.
   */
  static Authentication create(Vertx vertx, SentinelConfig config, RateLimiter limiter, CredentialCheckBudget checks,
                               Clock clock) {
    SecurityConfig security = config.security();
    EventBus bus = vertx.eventBus();
    var keys = new ApiKeyCache(bus, security.apiKeyCacheTtl(), security.apiKeyCacheSize(), System::nanoTime, clock,
        checks);
    var tokens = new VerifiedTokens(AccessTokens.verifier(vertx, security.jwt()), security.jwt().accessTokenTtl(),
        security.apiKeyCacheSize(), System::nanoTime, clock, checks);
    var tiers = new SessionTiers(bus, security.apiKeyCacheTtl(), security.apiKeyCacheSize(), System::nanoTime);
    var limits = new RateLimits(limiter, config.plans(),
        new RateLimiter.Rate(security.registrationInterval().toNanos(), security.registrationBurst()),
        RateLimiter.Rate.perMinute(security.registrationsPerMinute()));
    return new Authentication(keys, tokens, new RevocationList(System::nanoTime), tiers, limits,
        new RequestCounter(clock));
  }

  /**
   * Follows what the auth verticle publishes, so that a logout, a revoked key or a plan change
   * takes effect on this loop at once rather than when a cache entry expires.
   */
  Future<Void> followChanges(EventBus bus) {
    return Future.all(
        Addresses.AUTH_REVOCATIONS.consumer(bus, m -> revocations.apply(m.body())).completion(),
        Addresses.AUTH_KEYS_REVOKED.consumer(bus, m -> keys.evict(m.body().keyHashes())).completion(),
        Addresses.AUTH_TIER_CHANGED.consumer(bus, m -> {
          keys.evictCustomer(m.body().customerId());
          tiers.evict(m.body().customerId());
        }).completion()).mapEmpty();
  }

  /**
   * Keys' lastUsedAt (through the auth verticle) and the admitted requests' counts: one write per
   * interval, not per request. Counts that could not be stored are kept for the next report.
   */
  Future<Void> reportUsage(EventBus bus, UsageStore usage) {
    var used = keys.takeUsedKeys();
    if (!used.isEmpty()) {
      Addresses.HTTP_KEYS_USED.publish(bus, new AccountCommands.KeysUsed(used));
    }
    var counts = requests.drain();
    return usage.addRequests(counts).onFailure(failure -> requests.restore(counts));
  }

  /** Registrations per client address and per node: each costs an argon2 hash and makes an account. */
  Handler<RoutingContext> registrationThrottle() {
    return limits::registration;
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
