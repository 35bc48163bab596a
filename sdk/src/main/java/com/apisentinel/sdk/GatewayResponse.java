package com.apisentinel.sdk;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A gateway's answer: status, body and headers. */
public final class GatewayResponse {

  private final int statusCode;
  private final String body;
  private final Map<String, List<String>> headers;

  /**
   * An answer (adapters that do not speak HTTP map theirs to the nearest status).
   *
   * @param statusCode the HTTP status
   * @param body the body as text, possibly empty
   * @param headers the headers, names lower case
   */
  public GatewayResponse(int statusCode, String body, Map<String, List<String>> headers) {
    this.statusCode = statusCode;
    this.body = body == null ? "" : body;
    this.headers = headers == null ? Map.of() : headers;
  }

  /** @return the HTTP status */
  public int statusCode() {
    return statusCode;
  }

  /** @return the body as text (cut off at the gateway's size limit) */
  public String body() {
    return body;
  }

  /**
   * The first value of a header.
   *
   * @param name the header's name, any case
   * @return its first value, if present
   */
  public Optional<String> header(String name) {
    for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
        return Optional.of(entry.getValue().get(0));
      }
    }
    return Optional.empty();
  }
}
