package com.apisentinel.body;

/** The body is not JSON, breaks a parser limit, or has the wrong shape (HTTP 400). */
public final class MalformedBodyException extends RuntimeException {
  public MalformedBodyException(String message) {
    super(message, null, false, false);
  }
}
