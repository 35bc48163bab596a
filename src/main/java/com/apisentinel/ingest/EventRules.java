package com.apisentinel.ingest;

import com.apisentinel.body.FieldError;
import com.apisentinel.body.Rfc3339;
import com.apisentinel.body.TextRules;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * API.md's event rules applied to one {@link EventDraft}. Everything PostgreSQL would refuse is
 * caught here, so a bad event never joins a group commit.
 */
final class EventRules {

  static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  static final long MAX_AMOUNT = 1_000_000_000_000L;
  static final long MAX_DURATION_MS = 600_000;
  static final Duration MAX_AGE = Duration.ofDays(30);
  static final Duration MAX_FUTURE = Duration.ofMinutes(5);
  static final int MAX_ERROR_CODE_LENGTH = 64;
  static final int MAX_ERROR_MESSAGE_LENGTH = 512;
  private static final Pattern CURRENCY_SHAPE = Pattern.compile("[A-Za-z]{3}");
  private static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
      .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());

  private final EventDraft d;
  private final String path;
  private final Instant receivedAt;
  private final List<FieldError> errors;
  private final Set<String> reported;

  EventRules(EventDraft draft, String path, Instant receivedAt, List<FieldError> errors, Set<String> reported) {
    this.d = draft;
    this.path = path;
    this.receivedAt = receivedAt;
    this.errors = errors;
    this.reported = reported;
  }

  ParsedEvent finish() {
    String eventId = eventId();
    Instant occurredAt = occurredAt();
    Gateway primary = gateway("primaryGateway", d.primaryGateway);
    Gateway used = gateway("gatewayUsed", d.gatewayUsed);
    Boolean failoverUsed = required("failoverUsed", d.failoverUsed);
    Boolean success = required("success", d.success);
    if (primary != null && used != null && failoverUsed != null && failoverUsed != (primary != used)) {
      fail("failoverUsed", "must be true exactly when gatewayUsed differs from primaryGateway");
    }
    Long amount = inRange("amount", required("amount", d.amount), 0, MAX_AMOUNT);
    String currency = currency();
    Long latency = inRange("latencyMs", d.latencyMs, 0, MAX_DURATION_MS);
    Long recovery = recoveryTime(failoverUsed, success);
    String metadata = metadata();
    primaryError();
    if (!errors.isEmpty()) {
      return ParsedEvent.rejected(eventId, errors);
    }
    return ParsedEvent.valid(new Event(eventId, occurredAt, primary, used, failoverUsed, success, amount, currency,
        toInt(latency), toInt(recovery), d.primaryErrorCode, toInt(d.primaryErrorHttpStatus),
        d.primaryErrorMessage, metadata, d.occurredAt != null));
  }

  /** An absent id is generated, so a client that sends none still gets one back to retry with. */
  private String eventId() {
    if (d.eventId == null) {
      return reported.contains("eventId") ? null : UUID.randomUUID().toString();
    }
    if (!EVENT_ID.matcher(d.eventId).matches()) {
      fail("eventId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
      return null;
    }
    return d.eventId;
  }

  private Instant occurredAt() {
    if (d.occurredAt == null) {
      return receivedAt.truncatedTo(ChronoUnit.MICROS);
    }
    Instant parsed = Rfc3339.parse(d.occurredAt);
    if (parsed == null) {
      fail("occurredAt", "must be an RFC 3339 date-time with an offset, e.g. 2026-11-22T10:15:30.123Z");
      return null;
    }
    // PostgreSQL keeps microseconds: truncate here so what is validated is exactly what is stored.
    Instant at = parsed.truncatedTo(ChronoUnit.MICROS);
    if (at.isBefore(receivedAt.minus(MAX_AGE)) || at.isAfter(receivedAt.plus(MAX_FUTURE))) {
      fail("occurredAt", "must be within 30 days before and 5 minutes after the time of receipt");
    }
    return at;
  }

  private Gateway gateway(String field, String name) {
    if (required(field, name) == null) {
      return null;
    }
    Gateway gateway = Gateway.fromWireName(name);
    if (gateway == null) {
      fail(field, "must be one of " + Gateway.ALLOWED);
    }
    return gateway;
  }

  private String currency() {
    if (required("currency", d.currency) == null) {
      return null;
    }
    String code = d.currency.toUpperCase(Locale.ROOT);
    if (!CURRENCY_SHAPE.matcher(d.currency).matches() || !CURRENCIES.contains(code)) {
      fail("currency", "must be an ISO 4217 alphabetic currency code such as USD");
      return null;
    }
    return code;
  }

  /** Required for a recovery (a failover that succeeded); a failover that failed may not have one to give. */
  private Long recoveryTime(Boolean failoverUsed, Boolean success) {
    if (Boolean.TRUE.equals(failoverUsed) && Boolean.TRUE.equals(success)) {
      return inRange("recoveryTimeMs", required("recoveryTimeMs", d.recoveryTimeMs), 0, MAX_DURATION_MS);
    }
    return inRange("recoveryTimeMs", d.recoveryTimeMs, 0, MAX_DURATION_MS);
  }

  private void primaryError() {
    if (!d.primaryErrorPresent) {
      return;
    }
    String code = required("primaryError.code", d.primaryErrorCode);
    if (code != null) {
      text("primaryError.code", code, 1, MAX_ERROR_CODE_LENGTH);
    }
    inRange("primaryError.httpStatus", d.primaryErrorHttpStatus, 100, 599);
    if (d.primaryErrorMessage != null) {
      text("primaryError.message", d.primaryErrorMessage, 0, MAX_ERROR_MESSAGE_LENGTH);
    }
  }

  private String metadata() {
    if (d.metadata == null) {
      return null;
    }
    String json = d.metadata.serializedOrNull();
    if (json == null) {
      fail("metadata", "must serialize to at most " + MetadataWriter.MAX_SERIALIZED_BYTES + " bytes");
    }
    return json;
  }

  private void text(String field, String value, int minLength, int maxLength) {
    String problem = TextRules.problem(value);
    if (problem != null) {
      fail(field, problem);
    } else if (value.length() < minLength || value.length() > maxLength) {
      fail(field, "must be " + minLength + " to " + maxLength + " characters");
    }
  }

  private <T> T required(String field, T value) {
    if (value == null && !reported.contains(field)) {
      fail(field, "is required");
    }
    return value;
  }

  private Long inRange(String field, Long value, long min, long max) {
    if (value != null && (value < min || value > max)) {
      fail(field, "must be from " + min + " to " + max);
      return null;
    }
    return value;
  }

  private void fail(String field, String message) {
    if (reported.add(field)) {
      errors.add(new FieldError(path + field, message));
    }
  }

  private static Integer toInt(Long value) {
    return value == null ? null : value.intValue();
  }
}
