package com.apisentinel.bus;

import com.apisentinel.auth.TokenPair;
import java.time.Instant;
import java.util.UUID;

/** Messages of the login/refresh/logout conversation with the auth verticle. Secrets never printed. */
public final class SessionCommands {

  private SessionCommands() {
  }

  /** Replies {@link TokenPair}; fails with UNAUTHENTICATED or THROTTLED (message = seconds to wait). */
  public record Login(String email, String password, String clientAddress, String requestId) {
    @Override
    public String toString() {
      return "Login[requestId=" + requestId + "]";
    }
  }

  /** Replies {@link TokenPair}; fails with UNAUTHENTICATED (unknown, expired, revoked or reused token). */
  public record Refresh(String refreshToken, String clientAddress, String requestId) {
    @Override
    public String toString() {
      return "Refresh[requestId=" + requestId + "]";
    }
  }

  /** Revokes the access token and its refresh family (and the family of {@code refreshToken}, if given). */
  public record Logout(UUID customerId, UUID tokenId, UUID familyId, Instant accessTokenExpiresAt,
                       String refreshToken, String clientAddress, String requestId) {
    @Override
    public String toString() {
      return "Logout[customerId=" + customerId + ", requestId=" + requestId + "]";
    }
  }
}
