package com.apisentinel.store;

/** Registration with an email that another customer already uses (case-insensitively). */
public final class EmailTakenException extends RuntimeException {
  public EmailTakenException() {
    super("email already registered", null, false, false);
  }
}
