package com.apisentinel.body;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** One invalid field: {@code field} is a path such as {@code events[3].currency}. */
public record FieldError(String field, String message) {

  /** The {@code errors} array of problem documents and batch results. */
  public static JsonArray toJson(List<FieldError> errors) {
    JsonArray list = new JsonArray();
    errors.forEach(e -> list.add(new JsonObject().put("field", e.field()).put("message", e.message())));
    return list;
  }
}
