package com.apisentinel.ingest;

import com.apisentinel.body.TextRules;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Collects a flat metadata object and serializes it compactly, enforcing API.md's limits. */
final class MetadataWriter {

  static final int MAX_KEYS = 32;
  static final int MAX_SERIALIZED_BYTES = 4096;

  private final JsonObject values = new JsonObject();

  /** @return why the value is refused, or null when it was added */
  String add(String key, JsonToken token, JsonParser parser) throws IOException {
    if (values.size() == MAX_KEYS) {
      parser.skipChildren();
      return "metadata holds at most " + MAX_KEYS + " keys";
    }
    String keyProblem = TextRules.problem(key);
    if (keyProblem != null) {
      parser.skipChildren();
      return "key " + keyProblem;
    }
    switch (token) {
      case VALUE_STRING -> {
        String text = parser.getText();
        String problem = TextRules.problem(text);
        if (problem != null) {
          return problem;
        }
        values.put(key, text);
      }
      case VALUE_TRUE, VALUE_FALSE -> values.put(key, token == JsonToken.VALUE_TRUE);
      case VALUE_NUMBER_INT -> {
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          return "is out of range";
        }
        values.put(key, parser.getLongValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        double number = parser.getDoubleValue();
        if (!Double.isFinite(number)) {
          return "is out of range";
        }
        values.put(key, number);
      }
      default -> {
        parser.skipChildren();
        return "must be a string, number or boolean";
      }
    }
    return null;
  }

  /** @return the serialized object, or null when it is larger than {@link #MAX_SERIALIZED_BYTES} */
  String serializedOrNull() {
    String json = values.encode();
    return json.getBytes(StandardCharsets.UTF_8).length <= MAX_SERIALIZED_BYTES ? json : null;
  }
}
