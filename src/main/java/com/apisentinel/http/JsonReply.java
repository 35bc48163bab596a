package com.apisentinel.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Every successful JSON answer goes out through here (errors go through {@link ProblemResponder}). */
final class JsonReply {

  static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private JsonReply() {
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body.toBuffer());
  }
}
