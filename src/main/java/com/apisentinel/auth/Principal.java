package com.apisentinel.auth;

import java.time.Instant;
import java.util.UUID;

/**
 * Who is calling: a customer, through one of its API keys ({@code keyId} set) or through a login
 * session's access token ({@code session} set). Exactly one of the two is non-null.
 */
public record Principal(UUID customerId, String tier, UUID keyId, Session session) {

  /** The access token's id, its refresh family, and when it expires. */
  public record Session(UUID tokenId, UUID familyId, Instant expiresAt) {
  }

  public static Principal ofKey(UUID customerId, UUID keyId, String tier) {
    return new Principal(customerId, tier, keyId, null);
  }

  public static Principal ofSession(UUID customerId, String tier, Session session) {
    return new Principal(customerId, tier, null, session);
  }

  public Principal withTier(String currentTier) {
    return new Principal(customerId, currentTier, keyId, session);
  }

  public boolean isApiKey() {
    return keyId != null;
  }
}
