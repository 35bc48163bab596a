package com.apisentinel.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.apisentinel.body.FieldError;
import com.apisentinel.body.InvalidBodyException;
import com.apisentinel.body.MalformedBodyException;
import com.apisentinel.support.Events;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IngestParserTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private final IngestParser parser = new IngestParser(Clock.fixed(NOW, ZoneOffset.UTC));

  private IngestBody parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private List<FieldError> errorsOfSingle(JsonObject event) {
    ParsedEvent item = parse(event.encode()).items().get(0);
    assertThat(item.isValid()).as("expected a rejection").isFalse();
    return item.errors();
  }

  private void assertRejected(JsonObject event, String field, String messageFragment) {
    assertThat(errorsOfSingle(event)).anySatisfy(error -> {
      assertThat(error.field()).isEqualTo(field);
      assertThat(error.message()).contains(messageFragment);
    });
  }

  @Test
  void validFailoverEventIsParsedWithEveryField() {
    JsonObject json = Events.failover("evt-1").put("occurredAt", "2026-11-22T11:59:00.123Z").put("currency", "usd")
        .put("primaryError", new JsonObject().put("code", "card_declined").put("httpStatus", 502).put("message", "x"))
        .put("metadata", new JsonObject().put("orderId", "o-1").put("attempt", 2).put("vip", true).put("ratio", 0.5));
    IngestBody body = parse(json.encode());
    assertThat(body.batch()).isFalse();
    Event event = body.items().get(0).event();
    assertThat(event.eventId()).isEqualTo("evt-1");
    assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-22T11:59:00.123Z"));
    assertThat(event.primaryGateway()).isEqualTo(Gateway.STRIPE);
    assertThat(event.gatewayUsed()).isEqualTo(Gateway.PAYPAL);
    assertThat(event.failoverUsed()).isTrue();
    assertThat(event.amount()).isEqualTo(5000);
    assertThat(event.currency()).isEqualTo("USD");
    assertThat(event.latencyMs()).isEqualTo(840);
    assertThat(event.recoveryTimeMs()).isEqualTo(1200);
    assertThat(event.primaryErrorCode()).isEqualTo("card_declined");
    assertThat(event.primaryErrorHttpStatus()).isEqualTo(502);
    assertThat(new JsonObject(event.metadataJson()))
        .isEqualTo(new JsonObject().put("orderId", "o-1").put("attempt", 2).put("vip", true).put("ratio", 0.5));
  }

  @Test
  void absentEventIdAndOccurredAtAreFilledIn() {
    JsonObject json = Events.direct("x");
    json.remove("eventId");
    Event event = parse(json.encode()).items().get(0).event();
    assertThat(event.eventId()).matches("[A-Za-z0-9._:-]{1,64}");
    assertThat(event.occurredAt()).isEqualTo(NOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "semi;colon", "ünïcode"})
  void eventIdOutsideTheAllowedAlphabetIsRejected(String eventId) {
    assertRejected(Events.direct(eventId), "eventId", "1 to 64");
  }

  @Test
  void eventIdOfSixtyFourCharactersIsAcceptedAndSixtyFiveIsNot() {
    assertThat(parse(Events.direct("a".repeat(64)).encode()).items().get(0).isValid()).isTrue();
    assertRejected(Events.direct("a".repeat(65)), "eventId", "1 to 64");
  }

  @ParameterizedTest
  @CsvSource({
      "amount, -1, from 0 to",
      "amount, 1000000000001, from 0 to",
      "latencyMs, 600001, from 0 to",
      "recoveryTimeMs, -5, from 0 to",
  })
  void numbersOutOfRangeAreRejected(String field, long value, String message) {
    assertRejected(Events.failover("e").put(field, value), field, message);
  }

  @Test
  void amountAtTheUpperBoundIsAccepted() {
    assertThat(parse(Events.direct("e").put("amount", 1_000_000_000_000L).encode()).items().get(0).isValid()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"50.0", "5e3", "\"5000\"", "true", "99999999999999999999999"})
  void nonIntegerMoneyIsRejected(String literal) {
    String json = Events.direct("e").encode().replace("\"amount\":1999", "\"amount\":" + literal);
    assertThat(parse(json).items().get(0).errors()).extracting(FieldError::field).contains("amount");
  }

  @ParameterizedTest
  @ValueSource(strings = {"US", "USDX", "XYZ", "12$"})
  void unknownCurrencyIsRejected(String currency) {
    assertRejected(Events.direct("e").put("currency", currency), "currency", "ISO 4217");
  }

  @Test
  void unknownGatewayIsRejectedWithTheAllowedList() {
    assertRejected(Events.direct("e").put("gatewayUsed", "Stripe"), "gatewayUsed", "stripe, paypal");
  }

  @Test
  void failoverFlagMustMatchTheGateways() {
    assertRejected(Events.direct("e").put("failoverUsed", true).put("recoveryTimeMs", 5), "failoverUsed", "exactly when");
    assertRejected(Events.failover("e").put("gatewayUsed", "stripe"), "failoverUsed", "exactly when");
  }

  @Test
  void recoveryTimeIsRequiredForARecoveryAndOptionalOtherwise() {
    JsonObject failover = Events.failover("e");
    failover.remove("recoveryTimeMs");
    assertRejected(failover, "recoveryTimeMs", "is required");
    assertThat(parse(failover.copy().put("success", false).encode()).items().get(0).isValid())
        .as("a failover that failed may omit it").isTrue();
    assertThat(parse(Events.failover("e").put("success", false).encode()).items().get(0).isValid())
        .as("or give it").isTrue();
    assertThat(parse(Events.direct("e").put("recoveryTimeMs", 10).encode()).items().get(0).isValid()).isTrue();
    assertRejected(Events.direct("e").put("recoveryTimeMs", 600_001), "recoveryTimeMs", "from 0 to");
  }

  @ParameterizedTest
  @ValueSource(strings = {"primaryGateway", "gatewayUsed", "failoverUsed", "success", "amount", "currency"})
  void requiredFieldsAreRequired(String field) {
    JsonObject event = Events.direct("e");
    event.remove(field);
    assertRejected(event, field, "is required");
  }

  @Test
  void wrongTypeIsReportedOnceNotAlsoAsMissing() {
    List<FieldError> errors = errorsOfSingle(Events.direct("e").put("success", "yes"));
    assertThat(errors).extracting(FieldError::field).containsExactly("success");
  }

  @ParameterizedTest
  @CsvSource({
      "2026-10-23T11:59:59Z, 30 days",
      "2026-11-22T12:05:01Z, 5 minutes",
      "2026-11-22 12:00:00, RFC 3339",
      "yesterday, RFC 3339",
  })
  void occurredAtOutsideTheWindowOrFormatIsRejected(String value, String message) {
    assertRejected(Events.direct("e").put("occurredAt", value), "occurredAt", message);
  }

  @Test
  void occurredAtWithAnOffsetIsNormalisedToUtc() {
    Event event = parse(Events.direct("e").put("occurredAt", "2026-11-22T13:00:00+02:00").encode()).items().get(0).event();
    assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-22T11:00:00Z"));
  }

  @Test
  void unknownTopLevelFieldIsRejected() {
    assertRejected(Events.direct("e").put("tier", "enterprise"), "tier", "not a known field");
  }

  @Test
  void nulCharactersAndUnpairedSurrogatesAreRejectedEverywhere() {
    JsonObject error = new JsonObject().put("code", "bad\u0000code");
    assertRejected(Events.direct("e").put("primaryError", error), "primaryError.code", "NUL");
    String json = Events.direct("e").put("metadata", new JsonObject().put("k", "PLACEHOLDER")).encode()
        .replace("PLACEHOLDER", "\\ud800x");
    assertThat(parse(json).items().get(0).errors()).extracting(FieldError::message)
        .anySatisfy(m -> assertThat(m).contains("surrogate"));
    assertRejected(Events.direct("e").put("metadata", new JsonObject().put("k\u0000", "v")), "metadata.k\u0000", "NUL");
  }

  @Test
  void primaryErrorLimits() {
    assertRejected(Events.direct("e").put("primaryError", new JsonObject().put("code", "c".repeat(65))),
        "primaryError.code", "1 to 64");
    assertRejected(Events.direct("e").put("primaryError", new JsonObject().put("code", "c").put("message", "m".repeat(513))),
        "primaryError.message", "0 to 512");
    assertRejected(Events.direct("e").put("primaryError", new JsonObject().put("message", "no code")),
        "primaryError.code", "is required");
    assertRejected(Events.direct("e").put("primaryError", new JsonObject().put("code", "c").put("stack", "x")),
        "primaryError.stack", "not a known field");
    assertRejected(Events.direct("e").put("primaryError", new JsonObject().put("code", "c").put("httpStatus", 99)),
        "primaryError.httpStatus", "from 100 to 599");
  }

  @Test
  void metadataLimits() {
    JsonObject tooMany = new JsonObject();
    for (int i = 0; i < 33; i++) {
      tooMany.put("k" + i, i);
    }
    assertRejected(Events.direct("e").put("metadata", tooMany), "metadata.k32", "at most 32 keys");
    assertRejected(Events.direct("e").put("metadata", new JsonObject().put("big", "x".repeat(4100))),
        "metadata", "4096 bytes");
    assertRejected(Events.direct("e").put("metadata", new JsonObject().put("nested", new JsonObject())),
        "metadata.nested", "string, number or boolean");
    assertRejected(Events.direct("e").put("metadata", new JsonArray()), "metadata", "must be an object");
    String hugeExponent = Events.direct("e").put("metadata", new JsonObject().put("n", 1)).encode()
        .replace("\"n\":1", "\"n\":1e999");
    assertThat(parse(hugeExponent).items().get(0).errors()).extracting(FieldError::field).contains("metadata.n");
  }

  @Test
  void batchKeepsRequestOrderAndRejectionsAndLeavesRepeatsToTheWriter() {
    String json = Events.batch(Events.direct("a"), Events.direct("b").put("amount", -1), Events.direct("a"),
        Events.failover("c"));
    IngestBody body = parse(json);
    assertThat(body.batch()).isTrue();
    List<ParsedEvent> items = body.items();
    assertThat(items).extracting(ParsedEvent::eventId).containsExactly("a", "b", "a", "c");
    assertThat(items.get(0).isValid()).isTrue();
    assertThat(items.get(1).errors()).extracting(FieldError::field).containsExactly("events[1].amount");
    assertThat(items.get(2).isValid()).isTrue();
    assertThat(body.validEvents()).extracting(Event::eventId).containsExactly("a", "a", "c");
  }

  @Test
  void batchElementThatIsNotAnObjectIsRejectedAlone() {
    IngestBody body = parse("{\"events\":[" + Events.direct("a").encode() + ", 42]}");
    assertThat(body.items().get(0).isValid()).isTrue();
    assertThat(body.items().get(1).errors()).extracting(FieldError::field).containsExactly("events[1]");
  }

  @Test
  void batchSizeIsOneToOneThousand() {
    JsonObject[] events = new JsonObject[1001];
    for (int i = 0; i < events.length; i++) {
      events[i] = Events.direct("e" + i);
    }
    assertThat(parse(Events.batch(java.util.Arrays.copyOf(events, 1000))).items()).hasSize(1000);
    assertThatThrownBy(() -> parse(Events.batch(events))).isInstanceOf(InvalidBodyException.class)
        .hasMessageContaining("at most 1000");
    assertThatThrownBy(() -> parse("{\"events\":[]}")).isInstanceOf(InvalidBodyException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "[]", "\"event\"", "{", "{\"eventId\":\"a\",}", "{\"events\":{}}", "{\"events\":[]} trailing",
      "{\"amount\":1,\"amount\":2}", "{\"events\":[BATCH], \"extra\":1}"
  })
  void malformedOrWrongShapeIsA400(String json) {
    String body = json.replace("[]} trailing", "[BATCH]} trailing").replace("BATCH", Events.direct("a").encode());
    assertThatThrownBy(() -> parse(body)).isInstanceOf(MalformedBodyException.class);
  }

  @Test
  void extremeNestingIsStoppedByTheParserLimit() {
    String json = "{\"metadata\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertThatThrownBy(() -> parse(json)).isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void overlongNumberIsStoppedByTheParserLimit() {
    String json = "{\"amount\":" + "9".repeat(100) + "}";
    assertThatThrownBy(() -> parse(json)).isInstanceOf(MalformedBodyException.class).hasMessageContaining("limit");
  }

  @Test
  void invalidUtf8IsA400() {
    byte[] body = "{\"eventId\":\"ab\"}".getBytes(StandardCharsets.UTF_8);
    body[12] = (byte) 0xC3;
    body[13] = (byte) 0x28;
    assertThatThrownBy(() -> parser.parse(body)).isInstanceOf(MalformedBodyException.class);
  }
}
