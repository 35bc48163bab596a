package com.apisentinel.auth;

/** Authenticated, but this credential may not do this (HTTP 403), e.g. an API key on account management. */
public final class ForbiddenException extends RuntimeException {
  public ForbiddenException(String message) {
    super(message, null, false, false);
  }
}
