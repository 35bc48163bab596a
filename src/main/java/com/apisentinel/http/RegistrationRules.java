package com.apisentinel.http;

import com.apisentinel.auth.EmailAddresses;
import com.apisentinel.body.BodyFields;
import io.vertx.core.json.JsonObject;
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

  static final int MIN_PASSWORD = 10;
  static final int MAX_PASSWORD = 128;
  private static final Set<String> FIELDS = Set.of("email", "password", "companyName");
  /** Deliberately loose: one @, no spaces, a dot in the domain. Deliverability is not ours to judge. */
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  private RegistrationRules() {
  }

  static Registration validate(JsonObject body) {
    BodyFields fields = new BodyFields(body, FIELDS);
    String email = fields.requiredText("email", 3, 254);
    if (email != null && !EMAIL.matcher(email).matches()) {
      fields.fail("email", "must be an email address");
    } else if (email != null && EmailAddresses.normalize(email) == null) {
      // Lookalike letters from other scripts would register a second account for what reads as one address.
      fields.fail("email", "must have an ASCII local part (before the @) and a valid domain");
    }
    String password = fields.requiredText("password", MIN_PASSWORD, MAX_PASSWORD);
    String companyName = fields.requiredText("companyName", 1, 200);
    if (companyName != null && companyName.isBlank()) {
      fields.fail("companyName", "must not be blank");
    }
    fields.throwIfInvalid("the registration is invalid");
    return new Registration(email, password, companyName);
  }
}
