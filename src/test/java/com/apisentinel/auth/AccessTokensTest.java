package com.apisentinel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.config.ConfigLoader;
import com.apisentinel.config.JwtConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class AccessTokensTest {

  private final JwtConfig config = ConfigLoader.load(Map.of("sentinel.profile", "dev")).security().jwt();

  @Test
  void aTokenIssuedHereVerifiesWithItsClaims(Vertx vertx, VertxTestContext test) {
    UUID customer = UUID.randomUUID();
    UUID family = UUID.randomUUID();
    String token = AccessTokens.issuer(vertx, config).issue(customer, "free", family);
    AccessTokens.verifier(vertx, config).verify(token).onComplete(test.succeeding(principal -> test.verify(() -> {
      assertThat(principal.customerId()).isEqualTo(customer);
      assertThat(principal.session().familyId()).isEqualTo(family);
      assertThat(principal.isApiKey()).isFalse();
      test.completeNow();
    })));
  }
}
