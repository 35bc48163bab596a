package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.apisentinel.config.ConfigLoader;
import com.apisentinel.support.LoopbackClient;
import com.apisentinel.support.RunningServer;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CORS for the listed origins only, preflights answered before authentication. */
class CorsTest {

  private static final String SHOP = "https://dashboard.shop.example";

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of("sentinel.http.corsOrigins",
      SHOP + ", http://localhost:3000"));

  private static String exchange(String requestLine, String headers) {
    return LoopbackClient.exchange("127.0.0.1", RUNNING.server().port(), requestLine, headers)
        .toLowerCase(Locale.ROOT);
  }

  @Test
  void aListedOriginGetsItselfBackAndTheHeadersItMayRead() {
    String apiKey = RUNNING.server().registerApiKey();

    String answer = exchange("GET /api/v1/usage", "Origin: " + SHOP + "\r\nAuthorization: Bearer " + apiKey + "\r\n");

    assertThat(answer).startsWith("http/1.1 200");
    assertThat(answer).contains("access-control-allow-origin: " + SHOP).contains("vary: origin")
        .contains("access-control-expose-headers: x-request-id").doesNotContain("access-control-allow-credentials");
  }

  @Test
  void aPreflightIsAnsweredWithoutCredentialsWithTheAllowedMethodsAndHeaders() {
    String answer = exchange("OPTIONS /api/v1/metrics/overview", "Origin: http://localhost:3000\r\n"
        + "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: authorization\r\n");

    assertThat(answer).startsWith("http/1.1 204");
    assertThat(answer).contains("access-control-allow-origin: http://localhost:3000")
        .contains("access-control-allow-methods: get, post, put, patch, delete")
        .contains("access-control-allow-headers: authorization, content-type")
        .contains("access-control-max-age: 600");
  }

  @Test
  void anyOtherOriginGetsNoCorsHeaderAndItsPreflightNoPermission() {
    String simple = exchange("GET /health", "Origin: https://evil.example\r\n");
    String preflight = exchange("OPTIONS /api/v1/metrics/overview", "Origin: https://evil.example\r\n"
        + "Access-Control-Request-Method: GET\r\n");

    assertThat(simple).startsWith("http/1.1 200").doesNotContain("access-control-allow-origin").contains("vary: origin");
    assertThat(preflight).doesNotContain("access-control-allow-origin").doesNotContain("access-control-allow-methods");
  }

  @Test
  void aWildcardOrAnOriginWithAPathIsRefusedAtStartUp() {
    for (String origins : new String[] {"*", "https://shop.example/path", "shop.example"}) {
      assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "dev", "sentinel.http.corsOrigins", origins)))
          .as(origins).hasMessageContaining("sentinel.http.corsOrigins must list origins");
    }
  }
}
