package com.apisentinel.auth;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.LongSupplier;

/**
 * Access tokens this verticle has verified, remembered until they expire (event-loop confined). An
 * ES256 verification costs about a millisecond of CPU, so a token is verified once per verticle, not
 * once per request; and one that is not remembered (new, or made up) is checked through
 * {@link CredentialCheckBudget} like an unknown API key, so forged tokens cannot buy CPU without
 * end, while a session whose token proved real keeps being served whatever else comes from its
 * address. Revocation is not remembered: the caller checks it on every request.
 */
public final class VerifiedTokens {

  private final AccessTokens verifier;
  private final LookupCache<String, Principal> verified;
  private final CredentialCheckBudget checks;
  private final Clock clock;

  /** @param maxEntries only tokens that verified are kept, each a few hundred bytes */
  public VerifiedTokens(AccessTokens verifier, Duration accessTokenTtl, int maxEntries, LongSupplier nanoClock,
                        Clock clock, CredentialCheckBudget checks) {
    this.verifier = verifier;
    this.verified = new LookupCache<>(accessTokenTtl, maxEntries, nanoClock);
    this.checks = checks;
    this.clock = clock;
  }

  /** Fails with {@link UnauthenticatedException}, or {@link TooManyFailuresException} for an address over its budget. */
  public Future<Principal> verify(String token, String clientHost) {
    return verified.get(token, unknown -> charged(unknown, clientHost)).compose(principal ->
        principal.session().expiresAt().isAfter(clock.instant())
            ? Future.succeededFuture(principal)
            : Future.failedFuture(new UnauthenticatedException("expired access token")));
  }

  private Future<Principal> charged(String token, String clientHost) {
    String hash = HexFormat.of().formatHex(ApiKeys.sha256(token));
    return checks.check(clientHost, hash, () -> verifier.verify(token), principal -> true);
  }
}
