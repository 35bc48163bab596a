package com.apisentinel.body;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of a small JSON body (accounts, sessions, keys), collecting every problem so the
 * client sees them all at once. Fields outside {@code allowed} are errors: no mass assignment.
 */
public final class BodyFields {

  private final JsonObject body;
  private final List<FieldError> errors = new ArrayList<>();

  public BodyFields(JsonObject body, Set<String> allowed) {
    this.body = body;
    body.fieldNames().stream().filter(name -> !allowed.contains(name)).sorted()
        .forEach(name -> errors.add(new FieldError(name, "is not a known field")));
  }

  public String requiredText(String field, int minLength, int maxLength) {
    if (body.getValue(field) == null) {
      fail(field, "is required");
      return null;
    }
    return optionalText(field, minLength, maxLength);
  }

  /** @return the text, or null when absent or invalid (then an error is recorded) */
  public String optionalText(String field, int minLength, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      fail(field, "must be a string");
      return null;
    }
    String problem = TextRules.problem(text);
    int length = text.codePointCount(0, text.length());
    if (problem != null) {
      fail(field, problem);
    } else if (length < minLength || length > maxLength) {
      fail(field, "must be " + minLength + " to " + maxLength + " characters");
    } else {
      return text;
    }
    return null;
  }

  /** @return the whole number, or null when absent or invalid (then an error is recorded) */
  public Long optionalInteger(String field, long min, long max) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      fail(field, "must be a whole number");
      return null;
    }
    long number = ((Number) value).longValue();
    if (number < min || number > max) {
      fail(field, "must be from " + min + " to " + max);
      return null;
    }
    return number;
  }


  public void fail(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  /** Throws {@link InvalidBodyException} (HTTP 422) naming every bad field, if there is one. */
  public void throwIfInvalid(String summary) {
    if (!errors.isEmpty()) {
      throw new InvalidBodyException(summary, errors);
    }
  }
}
