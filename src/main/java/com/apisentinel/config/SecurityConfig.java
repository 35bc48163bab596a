package com.apisentinel.config;

import java.time.Duration;
import java.util.Optional;

/** Secrets live here; {@link #toString()} never prints them. */
public record SecurityConfig(Optional<String> adminToken, Duration apiKeyCacheTtl, int apiKeyCacheSize,
                             JwtConfig jwt, int registrationBurst, Duration registrationInterval,
                             int registrationsPerMinute) {

  @Override
  public String toString() {
    return "SecurityConfig[adminToken=" + (adminToken.isPresent() ? "***" : "<unset>")
        + ", apiKeyCacheTtl=" + apiKeyCacheTtl + ", apiKeyCacheSize=" + apiKeyCacheSize + ", jwt=" + jwt + "]";
  }
}
