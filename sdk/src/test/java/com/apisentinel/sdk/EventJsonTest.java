package com.apisentinel.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventJsonTest {

  @Test
  void anEventReadsBackAsItWasWritten() throws Exception {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("orderId", "A-17");
    metadata.put("attempt", 2L);
    metadata.put("vip", true);
    PaymentEvent event = PaymentEvent.builder().eventId("e-1").occurredAt(Instant.parse("2026-11-22T10:15:30.123Z"))
        .primaryGateway("Stripe").gatewayUsed("paypal").success(false).amount(12_000).currency("eur")
        .latencyMs(40).recoveryTimeMs(30).primaryError("http_503", 503, "unavailable \"now\"").metadata(metadata)
        .build();

    PaymentEvent read = EventJson.read(EventJson.toBytes(event));

    assertThat(read.eventId()).isEqualTo("e-1");
    assertThat(read.occurredAt()).isEqualTo(event.occurredAt());
    assertThat(read.primaryGateway()).isEqualTo("stripe");
    assertThat(read.failoverUsed()).isTrue();
    assertThat(read.success()).isFalse();
    assertThat(read.amount()).isEqualTo(12_000);
    assertThat(read.currency()).isEqualTo("eur");
    assertThat(read.latencyMs()).isEqualTo(40);
    assertThat(read.recoveryTimeMs()).isEqualTo(30);
    assertThat(read.primaryErrorCode()).isEqualTo("http_503");
    assertThat(read.primaryErrorHttpStatus()).isEqualTo(503);
    assertThat(read.primaryErrorMessage()).isEqualTo("unavailable \"now\"");
    assertThat(read.metadata()).containsEntry("orderId", "A-17").containsEntry("vip", true);
    assertThat(((Number) read.metadata().get("attempt")).longValue()).isEqualTo(2);
  }

  @Test
  void optionalFieldsLeftOutAreNotWritten() {
    PaymentEvent event = PaymentEvent.builder().primaryGateway("stripe").gatewayUsed("stripe").success(true)
        .amount(1).currency("USD").build();
    String json = new String(EventJson.toBytes(event), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("latencyMs", "recoveryTimeMs", "primaryError", "metadata")
        .contains("\"failoverUsed\":false");
    assertThat(event.eventId()).matches("[A-Za-z0-9._:-]{1,64}");
  }

  /** The queue's byte bound must never be below the real size, whatever the strings hold. */
  @Test
  void theSizeBoundIsNeverBelowTheSerialisedSize() {
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      for (int k = random.nextInt(5); k > 0; k--) {
        metadata.put(randomText(random), random.nextBoolean() ? randomText(random) : random.nextLong());
      }
      PaymentEvent event = PaymentEvent.builder().eventId(randomText(random)).primaryGateway("stripe")
          .gatewayUsed("adyen").success(random.nextBoolean()).amount(Math.abs(random.nextLong())).currency("USD")
          .latencyMs(random.nextInt(600_000)).primaryError(randomText(random), 500, randomText(random))
          .metadata(metadata).build();
      assertThat(event.sizeBound()).as(new String(EventJson.toBytes(event), java.nio.charset.StandardCharsets.UTF_8))
          .isGreaterThanOrEqualTo(EventJson.toBytes(event).length);
    }
  }

  private static String randomText(Random random) {
    StringBuilder text = new StringBuilder();
    for (int n = random.nextInt(40); n > 0; n--) {
      int kind = random.nextInt(4);
      text.appendCodePoint(kind == 0 ? random.nextInt(0x20) : kind == 1 ? 0x20 + random.nextInt(0x60)
          : kind == 2 ? 0x80 + random.nextInt(0x700) : 0x1F600 + random.nextInt(0x40));
    }
    return text.toString();
  }
}
