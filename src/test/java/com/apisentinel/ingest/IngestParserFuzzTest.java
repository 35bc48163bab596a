package com.apisentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.body.InvalidBodyException;
import com.apisentinel.body.MalformedBodyException;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the ingest parser and validator (Jazzer). {@code mvn test} replays the
 * kept inputs under {@code src/test/resources/com/apisentinel/ingest/IngestParserFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=IngestParserFuzzTest#<method> -Djazzer.max_duration=5m}
 * fuzzes one method, and an input that breaks a property is written there as a regression test.
 * The properties are checked against API.md's rules, written out again here rather than taken
 * from the code under test.
 */
class IngestParserFuzzTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final long MAX_AMOUNT = 1_000_000_000_000L;
  private static final int MAX_DURATION_MS = 600_000;
  private static final String[] GATEWAYS = {"stripe", "paypal", "braintree", "square", "razorpay", "adyen", "custom"};

  private final IngestParser parser = new IngestParser(Clock.fixed(NOW, ZoneOffset.UTC));

  /** Any bytes at all: a parsed body, or a 400/422 refusal, never another exception; what it accepts obeys the API. */
  @FuzzTest(maxDuration = "30s")
  void anyBodyIsParsedOrRefusedCleanly(byte[] body) {
    IngestBody parsed;
    try {
      parsed = parser.parse(body);
    } catch (MalformedBodyException | InvalidBodyException refused) {
      return;
    }
    assertThat(parsed.items()).isNotEmpty().hasSizeLessThanOrEqualTo(IngestParser.MAX_BATCH_EVENTS);
    parsed.validEvents().forEach(IngestParserFuzzTest::assertObeysTheContract);
  }

  /**
   * One event built from typed values that the fuzzer steers towards every boundary: it is
   * accepted exactly when API.md's rules say it is valid, and then stored as sent.
   */
  @FuzzTest(maxDuration = "30s")
  void eventIsAcceptedExactlyWhenTheRulesAllowIt(@NotNull String eventId, byte primary, byte used, boolean failover,
                                                 boolean success, long amount, @NotNull String currency,
                                                 int latencyMs, int recoveryTimeMs, int ageSeconds) {
    String primaryName = gateway(primary);
    String usedName = gateway(used);
    JsonObject json = new JsonObject().put("eventId", eventId).put("primaryGateway", primaryName)
        .put("gatewayUsed", usedName).put("failoverUsed", failover).put("success", success).put("amount", amount)
        .put("currency", currency).put("latencyMs", latencyMs).put("recoveryTimeMs", recoveryTimeMs)
        .put("occurredAt", NOW.minusSeconds(ageSeconds).toString());
    boolean valid = EVENT_ID.matcher(eventId).matches() && !primaryName.isEmpty() && !usedName.isEmpty()
        && failover == !primaryName.equals(usedName) && amount >= 0 && amount <= MAX_AMOUNT
        && currency.length() == 3 && knownCurrency(currency) && latencyMs >= 0 && latencyMs <= MAX_DURATION_MS
        && recoveryTimeMs >= 0 && recoveryTimeMs <= MAX_DURATION_MS
        && ageSeconds >= -300 && (long) ageSeconds <= Duration.ofDays(30).toSeconds();

    IngestBody parsed = parser.parse(json.encode().getBytes(StandardCharsets.UTF_8));
    ParsedEvent item = parsed.items().get(0);
    assertThat(item.isValid()).as("%s -> %s", json, item.errors()).isEqualTo(valid);
    if (valid) {
      Event event = item.event();
      assertThat(event.eventId()).isEqualTo(eventId);
      assertThat(event.amount()).isEqualTo(amount);
      assertThat(event.currency()).isEqualTo(currency.toUpperCase(java.util.Locale.ROOT));
      assertThat(event.occurredAt()).isEqualTo(NOW.minusSeconds(ageSeconds));
      assertObeysTheContract(event);
    }
  }

  /** Gateway names, and one byte in eight an unknown or empty name. */
  private static String gateway(byte choice) {
    int index = Math.floorMod(choice, GATEWAYS.length + 1);
    return index < GATEWAYS.length ? GATEWAYS[index] : "";
  }

  private static boolean knownCurrency(String code) {
    try {
      java.util.Currency.getInstance(code.toUpperCase(java.util.Locale.ROOT));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void assertObeysTheContract(Event event) {
    assertThat(event.eventId()).matches(EVENT_ID);
    assertThat(event.currency()).matches(CURRENCY);
    assertThat(event.amount()).isBetween(0L, MAX_AMOUNT);
    assertThat(event.failoverUsed()).isEqualTo(event.primaryGateway() != event.gatewayUsed());
    assertThat(event.occurredAt()).isBetween(NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofMinutes(5)));
    if (event.latencyMs() != null) {
      assertThat(event.latencyMs()).isBetween(0, MAX_DURATION_MS);
    }
    if (event.failoverUsed()) {
      assertThat(event.recoveryTimeMs()).isNotNull().isBetween(0, MAX_DURATION_MS);
    }
    if (event.primaryErrorCode() != null) {
      assertThat(event.primaryErrorCode().length()).isBetween(1, 64);
    }
    if (event.primaryErrorMessage() != null) {
      assertThat(event.primaryErrorMessage().length()).isLessThanOrEqualTo(512);
    }
    if (event.metadataJson() != null) {
      assertThat(event.metadataJson().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
      assertThat(new JsonObject(event.metadataJson()).size()).isLessThanOrEqualTo(32);
    }
    for (String text : new String[] {event.eventId(), event.primaryErrorCode(), event.primaryErrorMessage(),
        event.metadataJson()}) {
      if (text != null) {
        assertThat(text).doesNotContain("\u0000");
      }
    }
  }
}
