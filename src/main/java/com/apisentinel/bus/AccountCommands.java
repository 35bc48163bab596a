package com.apisentinel.bus;

import com.apisentinel.account.Customer;
import com.apisentinel.account.FailoverSettings;
import com.apisentinel.auth.IssuedKey;
import com.apisentinel.auth.KeyView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Account management messages to the auth verticle. Every command names the calling customer:
 * the auth verticle scopes every query by it, so another tenant's ids are simply not found.
 */
public final class AccountCommands {

  private AccountCommands() {
  }

  /** Replies {@link Customer}. */
  public record GetProfile(UUID customerId) {
  }

  /** Null fields stay as they are. Replies {@link Customer}; fails with INVALID_FIELDS. */
  public record UpdateProfile(UUID customerId, String companyName, String primaryGateway, String secondaryGateway,
                              FailoverSettings.Update failover, String clientAddress, String requestId) {
  }

  /** Replies {@link IssuedKey}. */
  public record CreateKey(UUID customerId, String name, Instant expiresAt, String clientAddress, String requestId) {
  }

  /** Replies {@link KeyListing}. */
  public record ListKeys(UUID customerId) {
  }

  public record KeyListing(List<KeyView> keys) {
    public KeyListing {
      keys = List.copyOf(keys);
    }
  }

  /** Replies empty; fails with NOT_FOUND for keys the customer does not have. */
  public record RevokeKey(UUID customerId, UUID keyId, String clientAddress, String requestId) {
  }

  /** Replies the new {@link IssuedKey}; the old key works {@code gracePeriodSeconds} longer. */
  public record RollKey(UUID customerId, UUID keyId, long gracePeriodSeconds, String clientAddress,
                        String requestId) {
  }

  /** An operator's plan change (admin API). Replies {@link Customer}; fails with NOT_FOUND. */
  public record SetTier(UUID customerId, String tier, String clientAddress, String requestId) {
  }

  /** Published after a plan change, so every HTTP verticle of this node re-reads the customer's keys at once. */
  public record TierChanged(UUID customerId) {
  }

  /**
   * Published by HTTP verticles every few seconds: keys seen since the last report, each with the
   * time it was last used on the node that reports it (for lastUsedAt).
   */
  public record KeysUsed(Map<UUID, Instant> lastUsed) {
    public KeysUsed {
      lastUsed = Map.copyOf(lastUsed);
    }
  }

  /** Published when keys stop working, so every HTTP verticle of this node drops them from its cache at once. */
  public record KeysRevoked(Set<String> keyHashes) {
    public KeysRevoked {
      keyHashes = Set.copyOf(keyHashes);
    }
  }
}
