package com.apisentinel.store;

/** The customer already has as many of a thing as a customer may have (HTTP 409 limit-reached). */
public final class LimitReachedException extends RuntimeException {

  public LimitReachedException(String message) {
    super(message, null, false, false);
  }
}
