package com.apisentinel.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/** Every successful JSON answer goes out through here (errors go through {@link ProblemResponder}). */
final class JsonReply {

  static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private JsonReply() {
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body.toBuffer());
  }

  /** 200 with {@code {"<name>": [...]}}, each item as {@code toJson} shows it. */
  static <T> void sendList(RoutingContext ctx, String name, List<T> items, Function<T, JsonObject> toJson) {
    JsonArray array = new JsonArray();
    items.forEach(item -> array.add(toJson.apply(item)));
    send(ctx, 200, new JsonObject().put(name, array));
  }
}
