package com.apisentinel.auth;

import com.apisentinel.config.JwtConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * ES256 access tokens. Only ES256 keys are registered, so a token signed with any other algorithm
 * — {@code none}, or HS256 keyed with the public key — finds no verifier and is refused; issuer,
 * audience, expiry and not-before are checked on every verification.
 */
public final class AccessTokens {

  static final String ALGORITHM = "ES256";
  private static final int CLOCK_SKEW_SECONDS = 5;

  private final JWTAuth jwt;
  private final JwtConfig config;

  /** Verification only: HTTP verticles never hold the private key's signing role. */
  public static AccessTokens verifier(Vertx vertx, JwtConfig config) {
    return new AccessTokens(vertx, config, false);
  }

  static AccessTokens issuer(Vertx vertx, JwtConfig config) {
    return new AccessTokens(vertx, config, true);
  }

  private AccessTokens(Vertx vertx, JwtConfig config, boolean signing) {
    this.config = config;
    JWTAuthOptions options = new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(config.publicKeyPem()))
        .setJWTOptions(new JWTOptions().setIssuer(config.issuer()).setAudience(List.of(config.audience()))
            .setLeeway(CLOCK_SKEW_SECONDS));
    if (signing) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(config.privateKeyPem()));
    }
    this.jwt = JWTAuth.create(vertx, options);
  }

  /** A signed token for the customer, tied to its refresh family so that logout and reuse can revoke it. */
  String issue(UUID customerId, String tier, UUID familyId) {
    JsonObject claims = new JsonObject()
        .put("jti", UUID.randomUUID().toString())
        .put("fam", familyId.toString())
        .put("tier", tier);
    return CanonicalEs256.canonical(jwt.generateToken(claims, new JWTOptions().setAlgorithm(ALGORITHM)
        .setSubject(customerId.toString()).setIssuer(config.issuer()).setAudience(List.of(config.audience()))
        .setExpiresInSeconds((int) config.accessTokenTtl().toSeconds())));
  }

  long ttlSeconds() {
    return config.accessTokenTtl().toSeconds();
  }

  /**
   * Fails with {@link UnauthenticatedException} for any token that is not ours, intact, canonically
   * signed and current, and for one signed with our key whose claims are not the ones we issue.
   */
  public Future<Principal> verify(String token) {
    if (!CanonicalEs256.isCanonical(token)) {
      return Future.failedFuture(new UnauthenticatedException("not a canonical ES256 signature"));
    }
    Future<User> verified;
    try {
      verified = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException malformedClaims) {
      // vertx-auth reads exp/nbf/iat while verifying and throws on a claim of the wrong type.
      verified = Future.failedFuture(malformedClaims);
    }
    return verified
        .recover(failure -> Future.failedFuture(new UnauthenticatedException("invalid access token")))
        .compose(user -> {
          // vertx-auth keeps the raw token as the principal and the verified claims as this attribute.
          JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
          try {
            Principal.Session session = new Principal.Session(UUID.fromString(claims.getString("jti")),
                UUID.fromString(claims.getString("fam")), Instant.ofEpochSecond(claims.getLong("exp")));
            // The plan is read from the database, never trusted from the token; it must still be ours in shape.
            if (!(claims.getValue("tier") instanceof String tier)) {
              throw new IllegalArgumentException("tier is not a string");
            }
            return Future.succeededFuture(Principal.ofSession(UUID.fromString(claims.getString("sub")), tier, session));
          } catch (RuntimeException malformed) {
            return Future.failedFuture(new UnauthenticatedException("access token without our claims"));
          }
        });
  }
}
