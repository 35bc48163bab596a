package com.apisentinel.sdk;

import java.util.Map;

/** One call to a gateway: where, what, and the idempotency key that makes repeating it safe. */
public final class GatewayRequest {

  private final String endpoint;
  private final Map<String, ?> data;
  private final String idempotencyKey;

  GatewayRequest(String endpoint, Map<String, ?> data, String idempotencyKey) {
    this.endpoint = endpoint;
    this.data = data;
    this.idempotencyKey = idempotencyKey;
  }

  /** @return the path, relative to the gateway's base URL (e.g. {@code /charges}) */
  public String endpoint() {
    return endpoint;
  }

  /** @return the request data */
  public Map<String, ?> data() {
    return data;
  }

  /** @return the key: unique per payment and gateway, the same when that call is repeated */
  public String idempotencyKey() {
    return idempotencyKey;
  }
}
