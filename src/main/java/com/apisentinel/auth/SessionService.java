package com.apisentinel.auth;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.Failures;
import com.apisentinel.bus.Revocations;
import com.apisentinel.bus.SessionCommands;
import com.apisentinel.config.JwtConfig;
import com.apisentinel.store.AccountStore;
import com.apisentinel.store.AuditLog;
import com.apisentinel.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Login, refresh-token rotation and logout. Runs on the auth verticle's event loop; password checks
 * go to worker threads. Every failure a client can cause is a {@link ReplyException} with a code
 * from {@link Failures}.
 */
final class SessionService {

  private final Vertx vertx;
  private final JwtConfig jwt;
  private final AccessTokens tokens;
  private final AccountStore accounts;
  private final SessionStore sessions;
  private final AuditLog audit;
  private final LoginGuard guard = new LoginGuard(System::nanoTime);

  SessionService(Vertx vertx, JwtConfig jwt, AccountStore accounts, SessionStore sessions, AuditLog audit) {
    this.vertx = vertx;
    this.jwt = jwt;
    this.tokens = AccessTokens.issuer(vertx, jwt);
    this.accounts = accounts;
    this.sessions = sessions;
    this.audit = audit;
  }

  /** A new session: a new refresh family and an access token bound to it. */
  Future<TokenPair> open(UUID customerId, String tier) {
    String refreshToken = OpaqueTokens.generate();
    return sessions.startFamily(customerId, OpaqueTokens.hash(refreshToken), jwt.refreshTokenTtl())
        .map(familyId -> new TokenPair(tokens.issue(customerId, tier, familyId), refreshToken, tokens.ttlSeconds()));
  }

  Future<TokenPair> login(SessionCommands.Login login) {
    String normalized = EmailAddresses.normalize(login.email());
    String lowerCased = login.email().toLowerCase(Locale.ROOT);
    LoginGuard.Admission admission = guard.admit(normalized != null ? normalized : lowerCased, login.clientAddress());
    if (!admission.admitted()) {
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failures.THROTTLED,
          Long.toString(admission.waitSeconds())));
    }
    Future<AccountStore.LoginRecord> found = accounts.findLogin(normalized, lowerCased);
    Future<Boolean> judged = found.compose(account -> vertx.executeBlocking(() -> {
      boolean matches = Passwords.matches(login.password(), account != null ? account.passwordHash() : Passwords.DECOY_HASH);
      return account != null && matches;
    }, false));
    return judged
        // Storage or the worker pool failed before the password was judged: that is no failed attempt.
        .onFailure(unjudged -> guard.abandoned(admission))
        .compose(matches -> matches ? opened(found.result(), admission, login) : refused(found.result(), login));
  }

  private Future<TokenPair> opened(AccountStore.LoginRecord account, LoginGuard.Admission admission,
                                   SessionCommands.Login login) {
    guard.succeeded(admission);
    audit.record(account.customerId(), "login.success", login.clientAddress(), login.requestId(), null);
    return open(account.customerId(), account.tier());
  }

  private Future<TokenPair> refused(AccountStore.LoginRecord account, SessionCommands.Login login) {
    audit.record(account == null ? null : account.customerId(), "login.failure", login.clientAddress(),
        login.requestId(), null);
    return Future.failedFuture(unauthenticated());
  }

  Future<TokenPair> refresh(SessionCommands.Refresh refresh) {
    if (!OpaqueTokens.isWellFormed(refresh.refreshToken())) {
      return Future.failedFuture(unauthenticated());
    }
    String next = OpaqueTokens.generate();
    return sessions.rotate(OpaqueTokens.hash(refresh.refreshToken()), OpaqueTokens.hash(next), jwt.refreshTokenTtl(),
        jwt.accessTokenTtl()).compose(rotation -> {
          if (rotation instanceof SessionStore.Rotated rotated) {
            return Future.succeededFuture(new TokenPair(tokens.issue(rotated.customerId(), rotated.tier(),
                rotated.familyId()), next, tokens.ttlSeconds()));
          }
          if (rotation instanceof SessionStore.Reused reused) {
            audit.record(reused.customerId(), "refresh.reuse", refresh.clientAddress(), refresh.requestId(),
                new JsonObject().put("familyId", reused.familyId().toString()));
            publish(Set.of(), Set.of(reused.familyId()));
          }
          return Future.failedFuture(unauthenticated());
        });
  }

  Future<Void> logout(SessionCommands.Logout logout) {
    Future<UUID> named = logout.refreshToken() == null || !OpaqueTokens.isWellFormed(logout.refreshToken())
        ? Future.succeededFuture(null)
        : sessions.familyOf(OpaqueTokens.hash(logout.refreshToken()), logout.customerId());
    return named.compose(otherFamily -> {
      Set<UUID> families = new HashSet<>();
      families.add(logout.familyId());
      if (otherFamily != null) {
        families.add(otherFamily);
      }
      return sessions.logout(logout.tokenId(), logout.accessTokenExpiresAt(), families, jwt.accessTokenTtl())
          .onSuccess(done -> {
            publish(Set.of(logout.tokenId()), families);
            audit.record(logout.customerId(), "logout", logout.clientAddress(), logout.requestId(), null);
          });
    });
  }

  /** This node learns at once; other nodes at their next poll of the revocation table. */
  private void publish(Set<UUID> tokenIds, Set<UUID> families) {
    Addresses.AUTH_REVOCATIONS.publish(vertx.eventBus(), new Revocations(tokenIds, families, false));
  }

  private static ReplyException unauthenticated() {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failures.UNAUTHENTICATED, "invalid credentials");
  }
}
