package com.apisentinel.sdk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire form of a {@link PaymentEvent} (the server's event object, camelCase), written with
 * Jackson's streaming generator, and read back for the spool. Also the size bound that the queue and
 * the batches count with, so that no event is serialised on the caller's thread just to be measured.
 */
final class EventJson {

  /** Thread-safe once configured; generators and parsers are made per use. */
  static final JsonFactory JSON = new JsonFactory();
  /** The keys, braces, commas and numbers of the largest event, beyond its strings. */
  private static final int FIXED_BOUND = 400;
  private static final int NUMBER_BOUND = 32;

  private EventJson() {
  }

  static void write(JsonGenerator g, PaymentEvent e) throws IOException {
    g.writeStartObject();
    g.writeStringField("eventId", e.eventId());
    g.writeStringField("occurredAt", e.occurredAt().toString());
    g.writeStringField("primaryGateway", e.primaryGateway());
    g.writeStringField("gatewayUsed", e.gatewayUsed());
    g.writeBooleanField("failoverUsed", e.failoverUsed());
    g.writeBooleanField("success", e.success());
    g.writeNumberField("amount", e.amount());
    g.writeStringField("currency", e.currency());
    writeOptional(g, "latencyMs", e.latencyMs());
    writeOptional(g, "recoveryTimeMs", e.recoveryTimeMs());
    if (e.primaryErrorCode() != null) {
      g.writeObjectFieldStart("primaryError");
      g.writeStringField("code", e.primaryErrorCode());
      writeOptional(g, "httpStatus", e.primaryErrorHttpStatus());
      if (e.primaryErrorMessage() != null) {
        g.writeStringField("message", e.primaryErrorMessage());
      }
      g.writeEndObject();
    }
    if (!e.metadata().isEmpty()) {
      g.writeObjectFieldStart("metadata");
      for (Map.Entry<String, Object> entry : e.metadata().entrySet()) {
        g.writeFieldName(entry.getKey());
        writeScalar(g, entry.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /** One event as its own JSON document (the spool's record). */
  static byte[] toBytes(PaymentEvent e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(e.sizeBound());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(g, e);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return out.toByteArray();
  }

  /** Reads what {@link #toBytes} wrote. */
  static PaymentEvent read(byte[] json) throws IOException {
    PaymentEvent.Builder b = PaymentEvent.builder();
    String errorCode = null;
    long errorStatus = PaymentEvent.ABSENT;
    String errorMessage = null;
    try (JsonParser p = JSON.createParser(json)) {
      expect(p, JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "eventId": b.eventId(p.getText()); break;
          case "occurredAt": b.occurredAt(Instant.parse(p.getText())); break;
          case "primaryGateway": b.primaryGateway(p.getText()); break;
          case "gatewayUsed": b.gatewayUsed(p.getText()); break;
          case "failoverUsed": b.failoverUsed(p.getBooleanValue()); break;
          case "success": b.success(p.getBooleanValue()); break;
          case "amount": b.amount(p.getLongValue()); break;
          case "currency": b.currency(p.getText()); break;
          case "latencyMs": b.latencyMs(p.getLongValue()); break;
          case "recoveryTimeMs": b.recoveryTimeMs(p.getLongValue()); break;
          case "primaryError":
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              p.nextToken();
              if (field.equals("code")) {
                errorCode = p.getText();
              } else if (field.equals("httpStatus")) {
                errorStatus = p.getLongValue();
              } else {
                errorMessage = p.getText();
              }
            }
            break;
          case "metadata": b.metadata(readMetadata(p)); break;
          default: p.skipChildren();
        }
      }
    }
    if (errorCode != null) {
      b.primaryError(errorCode, errorStatus, errorMessage);
    }
    return b.build();
  }

  private static Map<String, Object> readMetadata(JsonParser p) throws IOException {
    Map<String, Object> metadata = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.VALUE_NUMBER_INT) {
        metadata.put(key, p.getNumberValue());
      } else if (value == JsonToken.VALUE_NUMBER_FLOAT) {
        metadata.put(key, p.getDecimalValue());
      } else if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
        metadata.put(key, p.getBooleanValue());
      } else {
        metadata.put(key, p.getText());
      }
    }
    return metadata;
  }

  /** Reads the next token, which must be {@code token}. */
  static void expect(JsonParser p, JsonToken token) throws IOException {
    if (p.nextToken() != token) {
      throw new IOException("expected " + token + " at " + p.currentLocation());
    }
  }

  private static void writeOptional(JsonGenerator g, String name, long value) throws IOException {
    if (value != PaymentEvent.ABSENT) {
      g.writeNumberField(name, value);
    }
  }

  /** A JSON scalar: booleans and numbers as such (exact for BigDecimal and BigInteger), the rest as strings. */
  static void writeScalar(JsonGenerator g, Object value) throws IOException {
    if (value instanceof Boolean) {
      g.writeBoolean((Boolean) value);
    } else if (value instanceof BigDecimal) {
      g.writeNumber((BigDecimal) value);
    } else if (value instanceof BigInteger) {
      g.writeNumber((BigInteger) value);
    } else if (value instanceof Double || value instanceof Float) {
      g.writeNumber(((Number) value).doubleValue());
    } else if (value instanceof Number) {
      g.writeNumber(((Number) value).longValue());
    } else {
      g.writeString(String.valueOf(value));
    }
  }

  /** An upper bound of the event's UTF-8 JSON size: exact for strings, generous for the rest. */
  static int sizeBound(PaymentEvent e) {
    long bound = FIXED_BOUND + stringBound(e.eventId()) + stringBound(e.primaryGateway())
        + stringBound(e.gatewayUsed()) + stringBound(e.currency()) + stringBound(e.primaryErrorCode())
        + stringBound(e.primaryErrorMessage());
    for (Map.Entry<String, Object> entry : e.metadata().entrySet()) {
      Object value = entry.getValue();
      bound += stringBound(entry.getKey()) + 4
          + (value instanceof Number || value instanceof Boolean ? NUMBER_BOUND : stringBound(String.valueOf(value)));
    }
    return (int) Math.min(Integer.MAX_VALUE, bound);
  }

  /**
   * Bytes of a JSON string literal: quotes, UTF-8, and six for each character Jackson escapes
   * (control characters, surrogates).
   */
  static long stringBound(String s) {
    if (s == null) {
      return 0;
    }
    long bytes = 2;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
        // Jackson escapes each half of a surrogate pair (six bytes each) unless told to combine them.
        bytes += 6;
      } else if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
