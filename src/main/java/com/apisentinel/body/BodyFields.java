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
  private final List<FieldError> errors;
  /** The path of this object in the body ({@code failover.}), so nested errors name their field in full. */
  private final String prefix;

  public BodyFields(JsonObject body, Set<String> allowed) {
    this(body, allowed, new ArrayList<>(), "");
  }

  private BodyFields(JsonObject body, Set<String> allowed, List<FieldError> errors, String prefix) {
    this.body = body;
    this.errors = errors;
    this.prefix = prefix;
    body.fieldNames().stream().filter(name -> !allowed.contains(name)).sorted()
        .forEach(name -> fail(name, "is not a known field"));
  }

  /**
   * A nested object's fields, whose errors are reported with this object's path.
   *
   * @return its fields, or null when absent or not an object (then an error is recorded)
   */
  public BodyFields optionalObject(String field, Set<String> allowed) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      fail(field, "must be an object");
      return null;
    }
    return new BodyFields(object, allowed, errors, prefix + field + ".");
  }

  /** @return the boolean, or null when absent or invalid (then an error is recorded) */
  public Boolean optionalBoolean(String field) {
    Object value = body.getValue(field);
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    fail(field, "must be true or false");
    return null;
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
    errors.add(new FieldError(prefix + field, message));
  }

  /** Throws {@link InvalidBodyException} (HTTP 422) naming every bad field, if there is one. */
  public void throwIfInvalid(String summary) {
    if (!errors.isEmpty()) {
      throw new InvalidBodyException(summary, errors);
    }
  }
}
