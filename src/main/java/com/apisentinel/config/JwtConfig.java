package com.apisentinel.config;

import java.time.Duration;

/** ES256 signing and verification settings; the PEM private key never appears in {@link #toString()}. */
public record JwtConfig(String issuer, String audience, Duration accessTokenTtl, Duration refreshTokenTtl,
                        String privateKeyPem, String publicKeyPem, boolean generatedKeys) {

  @Override
  public String toString() {
    return "JwtConfig[issuer=" + issuer + ", audience=" + audience + ", accessTokenTtl=" + accessTokenTtl
        + ", refreshTokenTtl=" + refreshTokenTtl + ", generatedKeys=" + generatedKeys + "]";
  }
}
