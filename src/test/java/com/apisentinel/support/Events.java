package com.apisentinel.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Valid event bodies to start from; tests change one field at a time. */
public final class Events {

  private Events() {
  }

  public static JsonObject failover(String eventId) {
    return new JsonObject().put("eventId", eventId).put("primaryGateway", "stripe").put("gatewayUsed", "paypal")
        .put("failoverUsed", true).put("success", true).put("amount", 5000).put("currency", "USD")
        .put("latencyMs", 840).put("recoveryTimeMs", 1200);
  }

  public static JsonObject direct(String eventId) {
    return new JsonObject().put("eventId", eventId).put("primaryGateway", "stripe").put("gatewayUsed", "stripe")
        .put("failoverUsed", false).put("success", true).put("amount", 1999).put("currency", "EUR");
  }

  public static String freshId() {
    return "evt_" + UUID.randomUUID();
  }

  public static String batch(JsonObject... events) {
    return new JsonObject().put("events", new JsonArray(java.util.List.of((Object[]) events))).encode();
  }
}
