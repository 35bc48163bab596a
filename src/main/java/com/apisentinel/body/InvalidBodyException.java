package com.apisentinel.body;

import java.util.List;

/** Well-formed JSON whose fields break the rules (HTTP 422); {@code errors} names each field. */
public final class InvalidBodyException extends RuntimeException {

  private final transient List<FieldError> errors;

  public InvalidBodyException(String message, List<FieldError> errors) {
    super(message, null, false, false);
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }
}
