package com.apisentinel.http;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.WriterStatus;
import com.apisentinel.store.ReadinessProbe;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Liveness (no I/O) and readiness (database round trips and the writer's backlog). */
final class HealthRoutes implements RouteGroup {

  static final String LIVE_PATH = "/health";
  static final String READY_PATH = "/health/ready";
  private static final Buffer UP = new JsonObject().put("status", "UP").toBuffer();

  private final EventBus bus;
  private final ReadinessProbe database;

  HealthRoutes(EventBus bus, ReadinessProbe database) {
    this.bus = bus;
    this.database = database;
  }

  /** Probes need no credentials; they say nothing about any customer. */
  @Override
  public void mount(Router router, Authentication auth) {
    router.get(LIVE_PATH).handler(this::live);
    router.get(READY_PATH).handler(this::ready);
  }

  private void live(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JsonReply.APPLICATION_JSON).end(UP.copy());
  }

  private void ready(RoutingContext ctx) {
    Future<JsonObject> writer = Addresses.WRITER_STATUS.request(bus, null)
        .map(HealthRoutes::writerCheck)
        .otherwise(failure -> new JsonObject().put("status", "DOWN"));
    Future.all(database.check(), writer).onComplete(done -> {
      JsonObject checks = new JsonObject().put("database", done.result().<JsonObject>resultAt(0))
          .put("writer", done.result().resultAt(1));
      boolean up = "UP".equals(checks.getJsonObject("database").getString("status"))
          && "UP".equals(checks.getJsonObject("writer").getString("status"));
      if (!up) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      }
      JsonReply.send(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks));
    });
  }

  private static JsonObject writerCheck(WriterStatus status) {
    boolean up = status.accepting() && status.queueDepth() < status.queueCapacity();
    return new JsonObject().put("status", up ? "UP" : "DOWN")
        .put("queueDepth", status.queueDepth()).put("queueCapacity", status.queueCapacity());
  }
}
