package com.apisentinel.body;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * The one JSON reader for request bodies: bounded nesting, string and number lengths, and
 * duplicate keys refused (a duplicate key lets two parsers disagree on what a body says).
 */
public final class StrictJson {

  /** No valid body nests deeper than body → events → event → metadata; the margin only improves messages. */
  private static final int MAX_NESTING_DEPTH = 16;
  /** Longer than any valid field (metadata is capped at 4 KiB), far below the body limit. */
  private static final int MAX_STRING_LENGTH = 16 * 1024;
  private static final int MAX_NUMBER_LENGTH = 64;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_NESTING_DEPTH)
          .maxStringLength(MAX_STRING_LENGTH)
          .maxNumberLength(MAX_NUMBER_LENGTH)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private StrictJson() {
  }

  public static JsonParser parser(byte[] body) throws IOException {
    return FACTORY.createParser(body);
  }

  /** Translates Jackson's failure into the client's 400, without echoing internals. */
  public static MalformedBodyException malformed(IOException e) {
    if (e instanceof StreamConstraintsException limit) {
      return new MalformedBodyException("the JSON exceeds a parser limit: " + limit.getOriginalMessage());
    }
    if (e instanceof JsonProcessingException json) {
      var location = json.getLocation();
      String where = location == null ? ""
          : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
      return new MalformedBodyException("the body is not valid JSON: " + json.getOriginalMessage() + where);
    }
    return new MalformedBodyException("the body could not be read as JSON");
  }

  /** Reads a whole body that must be one JSON object (small account bodies; ingest streams instead). */
  public static JsonObject parseObject(byte[] body) {
    try (JsonParser parser = parser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedBodyException("the body must be a JSON object");
      }
      JsonObject object = readObject(parser);
      if (parser.nextToken() != null) {
        throw new MalformedBodyException("unexpected content after the JSON object");
      }
      return object;
    } catch (IOException e) {
      throw malformed(e);
    }
  }

  private static JsonObject readObject(JsonParser parser) throws IOException {
    JsonObject object = new JsonObject();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      object.put(name, readValue(parser, parser.nextToken()));
    }
    return object;
  }

  private static Object readValue(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> readObject(parser);
      case START_ARRAY -> {
        JsonArray array = new JsonArray();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          array.add(readValue(parser, t));
        }
        yield array;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT -> parser.getNumberValue();
      case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      default -> null;
    };
  }
}
