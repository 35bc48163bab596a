package com.apisentinel.ingest;

import com.apisentinel.body.FieldError;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of one event object from a streaming parser, checking each value's type as it
 * comes, then hands the typed values to {@link EventRules} for the range and cross-field rules.
 * One reader per event object.
 */
final class EventReader {

  private final JsonParser parser;
  private final String path;
  private final Instant receivedAt;
  private final List<FieldError> errors = new ArrayList<>();
  /** Fields already reported, so a wrong type is not reported again as "is required". */
  private final Set<String> reported = new HashSet<>();
  private final EventDraft draft = new EventDraft();

  EventReader(JsonParser parser, String path, Instant receivedAt) {
    this.parser = parser;
    this.path = path;
    this.receivedAt = receivedAt;
  }

  /** @param token the token after the event's START_OBJECT */
  ParsedEvent readFieldsFrom(JsonToken token) throws IOException {
    for (; token != JsonToken.END_OBJECT; token = parser.nextToken()) {
      String name = parser.currentName();
      parser.nextToken();
      readField(name);
    }
    return new EventRules(draft, path, receivedAt, errors, reported).finish();
  }

  private void readField(String name) throws IOException {
    switch (name) {
      case "eventId" -> draft.eventId = text(name);
      case "occurredAt" -> draft.occurredAt = text(name);
      case "primaryGateway" -> draft.primaryGateway = text(name);
      case "gatewayUsed" -> draft.gatewayUsed = text(name);
      case "failoverUsed" -> draft.failoverUsed = bool(name);
      case "success" -> draft.success = bool(name);
      case "amount" -> draft.amount = integer(name);
      case "currency" -> draft.currency = text(name);
      case "latencyMs" -> draft.latencyMs = integer(name);
      case "recoveryTimeMs" -> draft.recoveryTimeMs = integer(name);
      case "primaryError" -> readPrimaryError();
      case "metadata" -> readMetadata();
      default -> reject(name, "is not a known field");
    }
  }

  private void readPrimaryError() throws IOException {
    if (parser.currentToken() == JsonToken.VALUE_NULL) {
      return;
    }
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      reject("primaryError", "must be an object {code, httpStatus?, message?}");
      return;
    }
    draft.primaryErrorPresent = true;
    while (parser.nextToken() != JsonToken.END_OBJECT) {
      String name = "primaryError." + parser.currentName();
      parser.nextToken();
      switch (name) {
        case "primaryError.code" -> draft.primaryErrorCode = text(name);
        case "primaryError.httpStatus" -> draft.primaryErrorHttpStatus = integer(name);
        case "primaryError.message" -> draft.primaryErrorMessage = text(name);
        default -> reject(name, "is not a known field");
      }
    }
  }

  private void readMetadata() throws IOException {
    if (parser.currentToken() == JsonToken.VALUE_NULL) {
      return;
    }
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      reject("metadata", "must be an object of string, number or boolean values");
      return;
    }
    MetadataWriter metadata = new MetadataWriter();
    while (parser.nextToken() != JsonToken.END_OBJECT) {
      String key = parser.currentName();
      String field = "metadata." + key;
      JsonToken value = parser.nextToken();
      String problem = metadata.add(key, value, parser);
      if (problem != null) {
        reject(field, problem);
      }
    }
    draft.metadata = metadata;
  }

  private String text(String name) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    if (token != JsonToken.VALUE_NULL) {
      reject(name, "must be a string");
    }
    return null;
  }

  private Boolean bool(String name) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
      return token == JsonToken.VALUE_TRUE;
    }
    if (token != JsonToken.VALUE_NULL) {
      reject(name, "must be true or false");
    }
    return null;
  }

  /** Whole numbers only: 50.0, 5e3 and "5000" are refused, so money is never rounded. */
  private Long integer(String name) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT) {
      if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        reject(name, "is out of range");
        return null;
      }
      return parser.getLongValue();
    }
    if (token != JsonToken.VALUE_NULL) {
      reject(name, "must be a whole number");
    }
    return null;
  }

  /** Records the error and skips the value, whatever its shape. */
  private void reject(String name, String message) throws IOException {
    parser.skipChildren();
    if (reported.add(name)) {
      errors.add(new FieldError(path + name, message));
    }
  }
}
