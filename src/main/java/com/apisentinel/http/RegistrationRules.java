package com.apisentinel.http;

import com.apisentinel.body.FieldError;
import com.apisentinel.body.InvalidBodyException;
import com.apisentinel.body.TextRules;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Validates {@code {email, password, companyName}}; anything else in the body is refused (no mass assignment). */
final class RegistrationRules {

  record Registration(String email, String password, String companyName) {
    @Override
    public String toString() {
      return "Registration[companyName=" + companyName + "]";
    }
  }

  private static final Set<String> FIELDS = Set.of("email", "password", "companyName");
  /** Deliberately loose: one @, no spaces, a dot in the domain. Deliverability is not ours to judge. */
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  private RegistrationRules() {
  }

  static Registration validate(JsonObject body) {
    List<FieldError> errors = new ArrayList<>();
    body.fieldNames().stream().filter(name -> !FIELDS.contains(name)).sorted()
        .forEach(name -> errors.add(new FieldError(name, "is not a known field")));
    String email = text(body, "email", 3, 254, errors);
    if (email != null && !EMAIL.matcher(email).matches()) {
      errors.add(new FieldError("email", "must be an email address"));
    }
    String password = text(body, "password", 10, 128, errors);
    String companyName = text(body, "companyName", 1, 200, errors);
    if (companyName != null && companyName.isBlank()) {
      errors.add(new FieldError("companyName", "must not be blank"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidBodyException("the registration is invalid", errors);
    }
    return new Registration(email, password, companyName);
  }

  private static String text(JsonObject body, String field, int min, int max, List<FieldError> errors) {
    Object value = body.getValue(field);
    if (value == null) {
      errors.add(new FieldError(field, "is required"));
      return null;
    }
    if (!(value instanceof String text)) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    String problem = TextRules.problem(text);
    int length = text.codePointCount(0, text.length());
    if (problem != null) {
      errors.add(new FieldError(field, problem));
    } else if (length < min || length > max) {
      errors.add(new FieldError(field, "must be " + min + " to " + max + " characters"));
    } else {
      return text;
    }
    return null;
  }
}
