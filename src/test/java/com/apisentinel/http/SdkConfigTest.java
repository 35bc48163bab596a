package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /api/v1/sdk/config: the profile's gateways and failover settings, with ETag and 304, per customer. */
class SdkConfigTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();
  private static final String CONFIG = "/api/v1/sdk/config";
  private static final String PROFILE = "/api/v1/customers/profile";

  private static HttpResponse<String> get(String bearer, String ifNoneMatch) {
    HttpRequest.Builder request = HttpRequest.newBuilder(RUNNING.server().uri(CONFIG)).timeout(Duration.ofSeconds(20));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    return TestServer.send(request.GET().build());
  }

  private static HttpResponse<String> updateProfile(String access, JsonObject body) {
    return TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri(PROFILE)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + access).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  @Test
  void aNewCustomerGetsTheDefaultsWithAValidatorAndACacheLifetime() {
    String apiKey = RUNNING.server().register().getJsonObject("apiKey").getString("key");
    HttpResponse<String> response = get(apiKey, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject("""
        {"primaryGateway":"stripe","secondaryGateway":"paypal",
         "failover":{"enabled":true,"onTimeout":"lookup","circuitBreaker":{"failureThreshold":5,"openMs":30000}},
         "flush":{"maxBatchEvents":100,"intervalMs":1000}}"""));
    assertThat(response.headers().firstValue("ETag")).get().asString().matches("\"[0-9a-f]{32}\"");
    assertThat(response.headers().firstValue("Cache-Control")).contains("private, max-age=60");
  }

  @Test
  void anUnchangedConfigIsA304WithoutABody() {
    String apiKey = RUNNING.server().register().getJsonObject("apiKey").getString("key");
    String etag = get(apiKey, null).headers().firstValue("ETag").orElseThrow();

    for (String ifNoneMatch : new String[] {etag, "W/" + etag, "\"other\", " + etag, "*"}) {
      HttpResponse<String> response = get(apiKey, ifNoneMatch);
      assertThat(response.statusCode()).as(ifNoneMatch).isEqualTo(304);
      assertThat(response.body()).isEmpty();
      assertThat(response.headers().firstValue("ETag")).contains(etag);
    }
    assertThat(get(apiKey, "\"stale\"").statusCode()).isEqualTo(200);
  }

  @Test
  void aProfileChangeChangesTheConfigAndItsValidator() {
    JsonObject me = RUNNING.server().register();
    String apiKey = me.getJsonObject("apiKey").getString("key");
    String before = get(apiKey, null).headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> changed = updateProfile(me.getString("accessToken"), new JsonObject("""
        {"primaryGateway":"paypal","secondaryGateway":"stripe",
         "failover":{"onTimeout":"return","circuitBreaker":{"failureThreshold":3}}}"""));
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    assertThat(new JsonObject(changed.body()).getJsonObject("failover")).isEqualTo(new JsonObject(
        "{\"enabled\":true,\"onTimeout\":\"return\",\"circuitBreaker\":{\"failureThreshold\":3,\"openMs\":30000}}"));

    HttpResponse<String> after = get(apiKey, before);
    assertThat(after.statusCode()).isEqualTo(200);
    JsonObject config = new JsonObject(after.body());
    assertThat(config.getString("primaryGateway")).isEqualTo("paypal");
    assertThat(config.getJsonObject("failover").getString("onTimeout")).isEqualTo("return");
    assertThat(config.getJsonObject("failover").getJsonObject("circuitBreaker").getInteger("failureThreshold"))
        .isEqualTo(3);
    assertThat(after.headers().firstValue("ETag")).isNotEqualTo(before);

    String someoneElse = RUNNING.server().register().getJsonObject("apiKey").getString("key");
    assertThat(new JsonObject(get(someoneElse, null).body()).getString("primaryGateway")).isEqualTo("stripe");
  }

  @Test
  void invalidFailoverSettingsAreRefusedFieldByFieldAndChangeNothing() {
    JsonObject me = RUNNING.server().register();
    String access = me.getString("accessToken");
    String apiKey = me.getJsonObject("apiKey").getString("key");
    String before = get(apiKey, null).body();

    HttpResponse<String> refused = updateProfile(access, new JsonObject("""
        {"companyName":"Changed","failover":{"enabled":"yes","onTimeout":"failover","colour":1,
         "circuitBreaker":{"failureThreshold":0,"openMs":10}}}"""));
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(refused.body()).getJsonArray("errors").stream()
        .map(error -> ((JsonObject) error).getString("field")))
        .containsExactlyInAnyOrder("failover.colour", "failover.enabled", "failover.onTimeout",
            "failover.circuitBreaker.failureThreshold", "failover.circuitBreaker.openMs");
    assertThat(updateProfile(access, new JsonObject().put("failover", "on")).statusCode()).isEqualTo(422);
    assertThat(get(apiKey, null).body()).isEqualTo(before);
  }

  @Test
  void itNeedsACredential() {
    assertThat(get(null, null).statusCode()).isEqualTo(401);
    assertThat(get("sk_live_not-a-real-key-at-all-000000000000", null).statusCode()).isEqualTo(401);
  }
}
