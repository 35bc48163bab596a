package com.apisentinel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signing, sealing and the retry schedule, without a server. */
class WebhookSigningTest {

  @Test
  void signaturesMatchTheStandardWebhooksTestVector() {
    byte[] secret = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    assertThat(WebhookSignature.header(List.of(secret), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assertThat(WebhookSignature.header(List.of(secret, WebhookSignature.newSecret()), "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330, body)).startsWith("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,");
  }

  @Test
  void aSealedSecretOpensOnlyWithItsKeyAndForItsEndpoint() {
    byte[] key = new byte[32];
    key[0] = 7;
    SecretBox box = new SecretBox(key);
    byte[] secret = WebhookSignature.newSecret();

    byte[] sealed = box.seal(secret, "endpoint-a");

    assertThat(box.open(sealed, "endpoint-a")).isEqualTo(secret);
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(new String(secret,
        StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> box.open(sealed, "endpoint-b")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new SecretBox(new byte[32]).open(sealed, "endpoint-a"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void retriesFollowTheScheduleWithinTwentyPercentAndHonourALongerRetryAfter() {
    Instant now = Instant.parse("2026-11-30T00:00:00Z");
    RetrySchedule early = new RetrySchedule(() -> 0.0);
    RetrySchedule late = new RetrySchedule(() -> 0.999999);

    assertThat(early.next(1, now, null)).isEqualTo(now.plusSeconds(4));
    assertThat(late.next(1, now, null)).isBetween(now.plusMillis(5999), now.plusSeconds(6));
    assertThat(early.next(2, now, null)).isEqualTo(now.plusSeconds(240));
    assertThat(early.next(7, now, null)).isEqualTo(now.plus(Duration.ofHours(8)));
    assertThat(early.next(8, now, null)).as("the eighth attempt is the last").isNull();
    assertThat(early.next(1, now, Duration.ofMinutes(2))).isEqualTo(now.plusSeconds(120));
    assertThat(early.next(1, now, Duration.ofDays(30))).isEqualTo(now.plus(Duration.ofDays(1)));
    assertThat(WebhookSender.retryAfter("120")).isEqualTo(Duration.ofSeconds(120));
    assertThat(WebhookSender.retryAfter("soon")).isNull();
  }

  @Test
  void inProdOnlyHttpsToPublicAddressesMayReceiveWebhooks() throws Exception {
    EndpointUrls prod = new EndpointUrls(true);
    EndpointUrls dev = new EndpointUrls(false);

    assertThatThrownBy(() -> prod.parse("http://example.com/hook")).hasMessageContaining("https");
    assertThatThrownBy(() -> prod.parse("https://user:pass@example.com/hook")).hasMessageContaining("credentials");
    assertThatThrownBy(() -> prod.resolve("https://127.0.0.1/hook")).hasMessageContaining("private");
    assertThatThrownBy(() -> prod.resolve("https://[::1]/hook")).hasMessageContaining("private");
    assertThatThrownBy(() -> prod.resolve("https://localhost/hook")).hasMessageContaining("private");
    for (String address : List.of("10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "::ffff:10.0.0.1", "fd00::1", "fe80::1")) {
      assertThat(EndpointUrls.isPublic(java.net.InetAddress.getByName(address))).as(address).isFalse();
    }
    assertThat(EndpointUrls.isPublic(java.net.InetAddress.getByName("93.184.216.34"))).isTrue();
    assertThat(EndpointUrls.isPublic(java.net.InetAddress.getByName("2606:4700::1111"))).isTrue();
    assertThat(dev.resolve("http://127.0.0.1:9000/hook").port()).isEqualTo(9000);
    assertThatThrownBy(() -> dev.parse("ftp://example.com/")).hasMessageContaining("http or https");
  }
}
