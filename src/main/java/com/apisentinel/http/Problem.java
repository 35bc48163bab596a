package com.apisentinel.http;

import com.apisentinel.body.FieldError;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** An RFC 9457 problem document; {@code slug} completes {@code https://apisentinel.dev/problems/<slug>}. */
public record Problem(int status, String slug, String title, String detail, List<FieldError> errors) {

  static final String TYPE_BASE = "https://apisentinel.dev/problems/";

  public Problem(int status, String slug, String title, String detail) {
    this(status, slug, title, detail, List.of());
  }

  JsonObject toJson(String requestId) {
    JsonObject json = new JsonObject()
        .put("type", TYPE_BASE + slug)
        .put("title", title)
        .put("status", status)
        .put("detail", detail)
        .put("requestId", requestId);
    if (!errors.isEmpty()) {
      json.put("errors", FieldError.toJson(errors));
    }
    return json;
  }
}
