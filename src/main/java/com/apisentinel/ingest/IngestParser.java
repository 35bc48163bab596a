package com.apisentinel.ingest;

import com.apisentinel.body.FieldError;
import com.apisentinel.body.InvalidBodyException;
import com.apisentinel.body.MalformedBodyException;
import com.apisentinel.body.StrictJson;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an ingest body into validated events in one streaming pass, with no intermediate JSON tree.
 * Shape errors (not JSON, limits, root not an object) throw {@link MalformedBodyException};
 * field errors are collected per event so a batch can be partially accepted.
 */
public final class IngestParser {

  public static final int MAX_BATCH_EVENTS = 1000;

  private final Clock clock;

  public IngestParser(Clock clock) {
    this.clock = clock;
  }

  /** Parses a body of either shape; never throws for field-level problems. */
  public IngestBody parse(byte[] body) {
    Instant receivedAt = clock.instant();
    try (JsonParser parser = StrictJson.parser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedBodyException("the body must be a JSON object: one event, or {\"events\": [...]}");
      }
      IngestBody parsed = parseRoot(parser, receivedAt);
      if (parser.nextToken() != null) {
        throw new MalformedBodyException("unexpected content after the JSON object");
      }
      return parsed;
    } catch (IOException e) {
      throw StrictJson.malformed(e);
    }
  }

  /**
   * The first field decides the shape: a body whose first field is {@code events} is a batch,
   * anything else one event. A batch wrapper with other fields is rejected, not guessed at.
   */
  private IngestBody parseRoot(JsonParser parser, Instant receivedAt) throws IOException {
    JsonToken first = parser.nextToken();
    if (first == JsonToken.FIELD_NAME && "events".equals(parser.currentName())) {
      List<ParsedEvent> items = parseBatch(parser, receivedAt);
      if (parser.nextToken() != JsonToken.END_OBJECT) {
        throw new MalformedBodyException("a batch body holds only the \"events\" array");
      }
      return new IngestBody(true, items);
    }
    ParsedEvent single = new EventReader(parser, "", receivedAt).readFieldsFrom(first);
    return new IngestBody(false, List.of(single));
  }

  private List<ParsedEvent> parseBatch(JsonParser parser, Instant receivedAt) throws IOException {
    if (parser.nextToken() != JsonToken.START_ARRAY) {
      throw new MalformedBodyException("\"events\" must be an array of event objects");
    }
    List<ParsedEvent> items = new ArrayList<>();
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      int index = items.size();
      if (index == MAX_BATCH_EVENTS) {
        throw new InvalidBodyException("a batch holds at most " + MAX_BATCH_EVENTS + " events",
            List.of(new FieldError("events", "must hold 1 to " + MAX_BATCH_EVENTS + " events")));
      }
      String path = "events[" + index + "].";
      if (token != JsonToken.START_OBJECT) {
        parser.skipChildren();
        items.add(ParsedEvent.rejected(null, List.of(new FieldError("events[" + index + "]", "must be an object"))));
        continue;
      }
      ParsedEvent item = new EventReader(parser, path, receivedAt).readFieldsFrom(parser.nextToken());
      items.add(item);
    }
    if (items.isEmpty()) {
      throw new InvalidBodyException("a batch holds at least one event",
          List.of(new FieldError("events", "must hold 1 to " + MAX_BATCH_EVENTS + " events")));
    }
    return items;
  }

}
