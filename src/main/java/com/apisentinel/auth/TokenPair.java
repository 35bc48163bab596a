package com.apisentinel.auth;

/** A fresh access token (JWT) and refresh token (opaque); never printed. */
public record TokenPair(String accessToken, String refreshToken, long expiresInSeconds) {

  @Override
  public String toString() {
    return "TokenPair[expiresIn=" + expiresInSeconds + "]";
  }
}
