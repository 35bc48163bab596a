package com.apisentinel.config;

/** A setting that cannot be used; the message names the setting and says what is expected. */
public final class InvalidConfigException extends RuntimeException {
  public InvalidConfigException(String message) {
    super(message, null, false, false);
  }
}
