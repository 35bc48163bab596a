package com.apisentinel.auth;

/** Missing, malformed, unknown, expired or revoked credentials (HTTP 401). Says nothing about which. */
public final class UnauthenticatedException extends RuntimeException {
  public UnauthenticatedException(String message) {
    super(message, null, false, false);
  }
}
