package com.apisentinel.sdk;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the server answers to a batch: the 202's per-event results (in request order), and
 * the problem document of a refusal, whose field errors name events by index
 * ({@code events[3].currency}).
 */
final class Receipts {

  /** An event's fate as the server reported it. */
  enum Status { ACCEPTED, DUPLICATE, REJECTED, CONFLICT }

  /** One entry of a 202's {@code results}, which come in the batch's order (so it needs no eventId). */
  static final class Receipt {
    final Status status;
    final List<String> errors;

    Receipt(Status status, List<String> errors) {
      this.status = status;
      this.errors = errors;
    }
  }

  /** An RFC 9457 problem document, as far as the SDK uses it. */
  static final class Problem {
    final String type;
    final String detail;
    /** Field errors by event index ({@code events[i]...}); index -1 for errors that name no event. */
    final Map<Integer, List<String>> errorsByEvent;

    Problem(String type, String detail, Map<Integer, List<String>> errorsByEvent) {
      this.type = type;
      this.detail = detail;
      this.errorsByEvent = errorsByEvent;
    }

    /** The problem's slug ({@code rate-limited}, ...), or its whole type when it has no slash. */
    String slug() {
      return type == null ? "unknown" : type.substring(type.lastIndexOf('/') + 1);
    }

    String describe(int status) {
      return status + " " + slug() + (detail == null ? "" : ": " + detail);
    }
  }

  private Receipts() {
  }

  /** The results of a 202 to a batch; an entry with a status the SDK does not know is an error. */
  static List<Receipt> results(byte[] body) throws IOException {
    List<Receipt> receipts = new ArrayList<>();
    try (JsonParser p = EventJson.JSON.createParser(body)) {
      EventJson.expect(p, JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("results") && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            receipts.add(receipt(p));
          }
        } else {
          p.skipChildren();
        }
      }
    }
    return receipts;
  }

  private static Receipt receipt(JsonParser p) throws IOException {
    String status = null;
    List<String> errors = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("status") && value == JsonToken.VALUE_STRING) {
        status = p.getText();
      } else if (name.equals("errors") && value == JsonToken.START_ARRAY) {
        errors = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
          errors.add(fieldError(p)[1]);
        }
      } else {
        p.skipChildren();
      }
    }
    return new Receipt(status(status), errors);
  }

  private static Status status(String status) throws IOException {
    if (status == null) {
      throw new IOException("a result without a status");
    }
    switch (status) {
      case "accepted": return Status.ACCEPTED;
      case "duplicate": return Status.DUPLICATE;
      case "rejected": return Status.REJECTED;
      case "conflict": return Status.CONFLICT;
      default: throw new IOException("unknown result status " + status);
    }
  }

  /** The problem document in a refusal's body; an unreadable body gives a problem with nulls. */
  static Problem problem(byte[] body) {
    String type = null;
    String detail = null;
    Map<Integer, List<String>> errors = new HashMap<>();
    try (JsonParser p = EventJson.JSON.createParser(body)) {
      EventJson.expect(p, JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("type") && value == JsonToken.VALUE_STRING) {
          type = p.getText();
        } else if (name.equals("detail") && value == JsonToken.VALUE_STRING) {
          detail = p.getText();
        } else if (name.equals("errors") && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            String[] error = fieldError(p);
            errors.computeIfAbsent(eventIndex(error[0]), i -> new ArrayList<>()).add(error[0] + ": " + error[1]);
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      // Not a problem document (a proxy's HTML page, say): the status alone has to do.
    }
    return new Problem(type, detail, errors);
  }

  /** {field, message} of one {@code {"field": ..., "message": ...}} object. */
  private static String[] fieldError(JsonParser p) throws IOException {
    String[] error = {"", ""};
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (name.equals("field")) {
        error[0] = p.getText();
      } else if (name.equals("message")) {
        error[1] = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return error;
  }

  /** 3 for {@code events[3].currency}; -1 when the field names no event. */
  static int eventIndex(String field) {
    if (field == null || !field.startsWith("events[")) {
      return -1;
    }
    int end = field.indexOf(']');
    try {
      return end < 0 ? -1 : Integer.parseInt(field.substring(7, end));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

}
