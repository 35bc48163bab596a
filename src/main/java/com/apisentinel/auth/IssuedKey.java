package com.apisentinel.auth;

import java.time.Instant;
import java.util.UUID;

/** A newly created API key; {@code key}, the full value, is shown this once only and never printed. */
public record IssuedKey(UUID id, String name, String key, String prefix, Instant createdAt, Instant expiresAt) {

  @Override
  public String toString() {
    return "IssuedKey[id=" + id + ", prefix=" + prefix + "]";
  }
}
