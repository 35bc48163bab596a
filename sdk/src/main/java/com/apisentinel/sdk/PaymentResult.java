package com.apisentinel.sdk;

import java.util.List;

/**
 * How a payment through {@link FailoverPayments} ended: which gateway handled it, whether that took
 * a failover, and the last gateway answer. {@link #attempts()} lists each gateway call with its
 * idempotency key, for reconciliation.
 */
public final class PaymentResult {

  private final PaymentOutcome outcome;
  private final String paymentId;
  private final String gatewayUsed;
  private final boolean failoverUsed;
  private final long recoveryTimeMs;
  private final long latencyMs;
  private final int statusCode;
  private final String body;
  private final String error;
  private final List<Attempt> attempts;

  PaymentResult(PaymentOutcome outcome, String paymentId, String gatewayUsed, boolean failoverUsed,
                long recoveryTimeMs, long latencyMs, Attempt last, List<Attempt> attempts) {
    this.outcome = outcome;
    this.paymentId = paymentId;
    this.gatewayUsed = gatewayUsed;
    this.failoverUsed = failoverUsed;
    this.recoveryTimeMs = recoveryTimeMs;
    this.latencyMs = latencyMs;
    this.statusCode = last.statusCode();
    this.body = last.body();
    this.error = outcome == PaymentOutcome.SUCCEEDED ? null : last.error();
    this.attempts = List.copyOf(attempts);
  }

  /** @return whether a gateway charged the payment */
  public boolean success() {
    return outcome == PaymentOutcome.SUCCEEDED;
  }

  /** @return how the payment ended */
  public PaymentOutcome outcome() {
    return outcome;
  }

  /** @return the payment's id: the reported event's id and the stem of the idempotency keys */
  public String paymentId() {
    return paymentId;
  }

  /** @return the gateway that handled the payment in the end */
  public String gatewayUsed() {
    return gatewayUsed;
  }

  /** @return whether the payment went to the secondary gateway */
  public boolean failoverUsed() {
    return failoverUsed;
  }

  /** @return ms from the primary's failure to the final result; 0 without failover */
  public long recoveryTimeMs() {
    return recoveryTimeMs;
  }

  /** @return ms the whole payment took */
  public long latencyMs() {
    return latencyMs;
  }

  /** @return the last gateway answer's HTTP status, 0 when it gave none */
  public int statusCode() {
    return statusCode;
  }

  /** @return the last gateway answer's body, empty when it gave none */
  public String body() {
    return body;
  }

  /** @return what went wrong, or null on success */
  public String error() {
    return error;
  }

  /** @return each gateway call, in order */
  public List<Attempt> attempts() {
    return attempts;
  }

  @Override
  public String toString() {
    return "PaymentResult[" + outcome + " via " + gatewayUsed + (failoverUsed ? " after failover" : "")
        + ", status " + statusCode + (error == null ? "" : ", " + error) + "]";
  }

  /** One gateway call of a payment (or a call the circuit breaker skipped). */
  public static final class Attempt {
    private final String gateway;
    private final String idempotencyKey;
    private final GatewayOutcome outcome;
    private final int statusCode;
    private final String body;
    private final String errorCode;
    private final String error;
    private final long durationMs;

    Attempt(String gateway, String idempotencyKey, GatewayOutcome outcome, int statusCode, String body,
            String errorCode, String error, long durationMs) {
      this.gateway = gateway;
      this.idempotencyKey = idempotencyKey;
      this.outcome = outcome;
      this.statusCode = statusCode;
      this.body = body == null ? "" : body;
      this.errorCode = errorCode;
      this.error = error;
      this.durationMs = durationMs;
    }

    /** @return the gateway's name */
    public String gateway() {
      return gateway;
    }

    /** @return the Idempotency-Key the call carried (also for a skipped call: the key it would have had) */
    public String idempotencyKey() {
      return idempotencyKey;
    }

    /** @return what the call proved */
    public GatewayOutcome outcome() {
      return outcome;
    }

    /** @return the HTTP status, 0 when no answer came */
    public int statusCode() {
      return statusCode;
    }

    /** @return the answer's body, empty when no answer came */
    public String body() {
      return body;
    }

    /** @return a short code for a failed call ({@code http_503}, {@code timeout}, {@code circuit_open}), or null */
    public String errorCode() {
      return errorCode;
    }

    /** @return what went wrong, or null */
    public String error() {
      return error;
    }

    /** @return how long the call took in ms */
    public long durationMs() {
      return durationMs;
    }

    @Override
    public String toString() {
      return gateway + ":" + outcome + (statusCode == 0 ? "" : "/" + statusCode)
          + (errorCode == null ? "" : "/" + errorCode);
    }
  }
}
