package com.apisentinel.auth;

import java.time.Instant;
import java.util.UUID;

/** An API key as listed: never the key itself, only its display prefix. Null times are absent. */
public record KeyView(UUID id, String name, String prefix, Instant createdAt, Instant lastUsedAt, Instant expiresAt,
                      Instant revokedAt) {
}
