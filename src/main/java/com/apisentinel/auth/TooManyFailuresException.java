package com.apisentinel.auth;

/** The client's address presented too many unknown credentials: 429 with Retry-After. */
public final class TooManyFailuresException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private final long retryAfterSeconds;

  TooManyFailuresException(long retryAfterSeconds) {
    super("too many unknown credentials from this address", null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
