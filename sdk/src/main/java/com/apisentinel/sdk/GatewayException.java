package com.apisentinel.sdk;

/**
 * A gateway call that got no answer. Whether the request may have reached the gateway decides
 * whether failing over is safe, so the two cases are made by two factories.
 */
public final class GatewayException extends Exception {

  private static final long serialVersionUID = 1L;
  private final String code;
  private final boolean requestSent;

  private GatewayException(String code, String message, boolean requestSent, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.requestSent = requestSent;
  }

  /**
   * The request never reached the gateway (connection refused, DNS or TLS failure, connect timeout):
   * nothing can have been charged.
   *
   * @param code a short error code for the event, e.g. {@code connection_refused}
   * @param message what happened
   * @param cause the underlying error, or null
   * @return the exception
   */
  public static GatewayException notSent(String code, String message, Throwable cause) {
    return new GatewayException(code, message, false, cause);
  }

  /**
   * The request may have reached the gateway, and no answer came (a timeout after sending, a
   * connection lost mid-response): the card may have been charged.
   *
   * @param code a short error code for the event, e.g. {@code timeout}
   * @param message what happened
   * @param cause the underlying error, or null
   * @return the exception
   */
  public static GatewayException outcomeUnknown(String code, String message, Throwable cause) {
    return new GatewayException(code, message, true, cause);
  }

  /** @return the short error code */
  public String code() {
    return code;
  }

  /** @return whether the request may have reached the gateway */
  public boolean requestSent() {
    return requestSent;
  }
}
