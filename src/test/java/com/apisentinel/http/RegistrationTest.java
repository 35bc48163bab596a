package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.RunningServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistrationTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private static final String REGISTER = "/api/v1/customers/register";
  private static final String PASSWORD = "correct horse battery";

  private static JsonObject body(String email) {
    return new JsonObject().put("email", email).put("password", PASSWORD).put("companyName", "Acme Ltd");
  }

  private static String email() {
    return "Owner." + UUID.randomUUID() + "@Example.com";
  }

  @Test
  void registrationReturnsTheCustomerAndAWorkingKeyShownOnce() {
    String email = email();
    HttpResponse<String> response = RUNNING.server().postJson(REGISTER, null, body(email).encode());
    assertThat(response.statusCode()).isEqualTo(201);
    JsonObject json = new JsonObject(response.body());
    JsonObject customer = json.getJsonObject("customer");
    assertThat(customer.getString("email")).isEqualTo(email);
    assertThat(customer.getString("companyName")).isEqualTo("Acme Ltd");
    assertThat(customer.getString("tier")).isEqualTo("free");
    assertThat(customer.fieldNames()).contains("id", "primaryGateway", "secondaryGateway", "createdAt", "updatedAt");
    JsonObject key = json.getJsonObject("apiKey");
    assertThat(key.getString("key")).startsWith("sk_live_");
    assertThat(key.getString("prefix")).isEqualTo(key.getString("key").substring(0, 12));

    HttpResponse<String> ingest = RUNNING.server().postJson("/api/v1/analytics/events", key.getString("key"),
        com.apisentinel.support.Events.direct(com.apisentinel.support.Events.freshId()).encode());
    assertThat(ingest.statusCode()).isEqualTo(202);
  }

  @Test
  void neitherThePasswordNorTheKeyIsStored() throws SQLException {
    String email = email();
    JsonObject json = new JsonObject(RUNNING.server().postJson(REGISTER, null, body(email).encode()).body());
    String key = json.getJsonObject("apiKey").getString("key");
    try (var c = RUNNING.database().connect(); var s = c.prepareStatement("""
        SELECT c.password_hash, k.key_hash, k.prefix, c::text, k::text
          FROM customers c JOIN api_keys k ON k.customer_id = c.id WHERE c.email = ?""")) {
      s.setString(1, email);
      var row = s.executeQuery();
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain(PASSWORD);
      assertThat(row.getBytes(2)).isEqualTo(com.apisentinel.auth.ApiKeys.sha256(key));
      assertThat(row.getString(4) + row.getString(5)).doesNotContain(PASSWORD).doesNotContain(key);
    }
  }

  @Test
  void emailIsUniqueIgnoringCase() {
    String email = email();
    assertThat(RUNNING.server().postJson(REGISTER, null, body(email).encode()).statusCode()).isEqualTo(201);
    HttpResponse<String> again = RUNNING.server().postJson(REGISTER, null, body(email.toUpperCase()).encode());
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(again.body()).getString("type")).endsWith("/email-taken");
  }

  @Test
  void aLookalikeOfAnEmailIsTheSameAccountOrRefused() {
    String local = "ops" + Long.toHexString(System.nanoTime());
    assertThat(RUNNING.server().postJson(REGISTER, null, body(local + "@example.com").encode()).statusCode())
        .isEqualTo(201);
    String fullWidth = local.chars().mapToObj(c -> Character.toString(c + 0xFEE0)).reduce("", String::concat)
        + "@\uFF45xample.com"; // ｏｐｓ… @ ｅxample.com: NFKC makes it the same address
    HttpResponse<String> again = RUNNING.server().postJson(REGISTER, null, body(fullWidth).encode());
    assertThat(again.statusCode()).isEqualTo(409);
    HttpResponse<String> cyrillic = RUNNING.server().postJson(REGISTER, null,
        body("\u043E" + local.substring(1) + "@example.com").encode());
    assertThat(cyrillic.statusCode()).as("a Cyrillic о is not an o").isEqualTo(422);
    HttpResponse<String> login = RUNNING.server().postJson("/api/v1/customers/login", null,
        new JsonObject().put("email", fullWidth).put("password", PASSWORD).encode());
    assertThat(login.statusCode()).as("the account answers to its folded forms").isEqualTo(200);
  }

  @Test
  void invalidFieldsAndExtraFieldsAreA422() {
    HttpResponse<String> response = RUNNING.server().postJson(REGISTER, null,
        new JsonObject().put("email", "not-an-email").put("password", "short").put("companyName", "")
            .put("tier", "enterprise").encode());
    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(response.body()).getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field")))
        .containsExactlyInAnyOrder("tier", "email", "password", "companyName");
  }

  @Test
  void passwordLengthBoundsAreTenAndOneHundredTwentyEight() {
    assertThat(RUNNING.server().postJson(REGISTER, null, body(email()).put("password", "p".repeat(10)).encode()).statusCode())
        .isEqualTo(201);
    assertThat(RUNNING.server().postJson(REGISTER, null, body(email()).put("password", "p".repeat(9)).encode()).statusCode())
        .isEqualTo(422);
    assertThat(RUNNING.server().postJson(REGISTER, null, body(email()).put("password", "p".repeat(129)).encode()).statusCode())
        .isEqualTo(422);
  }
}
