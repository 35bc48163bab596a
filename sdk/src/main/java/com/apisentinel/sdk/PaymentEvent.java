package com.apisentinel.sdk;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One payment as API Sentinel records it: which gateway was tried first, which one handled it in
 * the end, whether that took a failover, and the outcome. Immutable; build one with {@link #builder()}
 * and hand it to {@link SentinelClient#track(PaymentEvent)}.
 *
 * <p>The field rules are the server's (see the API reference): amounts are integers in minor units
 * ({@code 5000} with {@code "USD"} is $50.00), durations are milliseconds. The server validates every
 * event and reports a refused one through {@link SentinelListener#rejected}; the builder only insists
 * on the fields without which no event can exist.
 */
public final class PaymentEvent {

  /** Marks an absent optional number ({@code latencyMs}, {@code recoveryTimeMs}, {@code httpStatus}). */
  static final long ABSENT = -1;

  private final String eventId;
  private final Instant occurredAt;
  private final String primaryGateway;
  private final String gatewayUsed;
  private final boolean failoverUsed;
  private final boolean success;
  private final long amount;
  private final String currency;
  private final long latencyMs;
  private final long recoveryTimeMs;
  private final String primaryErrorCode;
  private final long primaryErrorHttpStatus;
  private final String primaryErrorMessage;
  private final Map<String, Object> metadata;
  /** An upper bound of this event's JSON size in bytes, for the queue's and the batches' byte limits. */
  private final int sizeBound;

  private PaymentEvent(Builder b) {
    this.eventId = b.eventId != null ? b.eventId : Ids.eventId();
    this.occurredAt = b.occurredAt != null ? b.occurredAt : Instant.now();
    this.primaryGateway = b.primaryGateway;
    this.gatewayUsed = b.gatewayUsed;
    this.failoverUsed = b.failoverUsed != null ? b.failoverUsed : !b.gatewayUsed.equals(b.primaryGateway);
    this.success = b.success;
    this.amount = b.amount;
    this.currency = b.currency;
    this.latencyMs = b.latencyMs;
    this.recoveryTimeMs = b.recoveryTimeMs;
    this.primaryErrorCode = b.primaryErrorCode;
    this.primaryErrorHttpStatus = b.primaryErrorHttpStatus;
    this.primaryErrorMessage = b.primaryErrorMessage;
    this.metadata = b.metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    this.sizeBound = EventJson.sizeBound(this);
  }

  /**
   * A new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the idempotency key: the server stores one event per id and customer, however often it is sent */
  public String eventId() {
    return eventId;
  }

  /** @return when the payment happened (set when the event was built, unless given) */
  public Instant occurredAt() {
    return occurredAt;
  }

  /** @return the gateway tried first */
  public String primaryGateway() {
    return primaryGateway;
  }

  /** @return the gateway that handled the payment in the end */
  public String gatewayUsed() {
    return gatewayUsed;
  }

  /** @return whether the payment went to the secondary gateway */
  public boolean failoverUsed() {
    return failoverUsed;
  }

  /** @return the payment's final outcome */
  public boolean success() {
    return success;
  }

  /** @return the amount in minor units */
  public long amount() {
    return amount;
  }

  /** @return the ISO 4217 currency code */
  public String currency() {
    return currency;
  }

  /** @return total time of the payment call(s) in ms, or -1 when not given */
  public long latencyMs() {
    return latencyMs;
  }

  /** @return time from the primary's failure to the final result in ms, or -1 when not given */
  public long recoveryTimeMs() {
    return recoveryTimeMs;
  }

  /** @return the primary gateway's error code, or null */
  public String primaryErrorCode() {
    return primaryErrorCode;
  }

  /** @return the HTTP status of the primary gateway's error, or -1 */
  public long primaryErrorHttpStatus() {
    return primaryErrorHttpStatus;
  }

  /** @return the primary gateway's error message, or null */
  public String primaryErrorMessage() {
    return primaryErrorMessage;
  }

  /** @return the merchant's own fields (string, number or boolean values), never null */
  public Map<String, Object> metadata() {
    return metadata;
  }

  int sizeBound() {
    return sizeBound;
  }

  @Override
  public String toString() {
    return "PaymentEvent[" + eventId + " " + primaryGateway + "->" + gatewayUsed + " success=" + success + "]";
  }

  /**
   * Builds a {@link PaymentEvent}. {@code primaryGateway}, {@code gatewayUsed}, {@code success} and
   * {@code currency} are required; an absent {@code eventId} is generated, an absent {@code occurredAt}
   * is the time of {@link #build()}, an absent {@code failoverUsed} is derived from the two gateways.
   */
  public static final class Builder {
    private String eventId;
    private Instant occurredAt;
    private String primaryGateway;
    private String gatewayUsed;
    private Boolean failoverUsed;
    private Boolean success;
    private long amount;
    private String currency;
    private long latencyMs = ABSENT;
    private long recoveryTimeMs = ABSENT;
    private String primaryErrorCode;
    private long primaryErrorHttpStatus = ABSENT;
    private String primaryErrorMessage;
    private Map<String, ?> metadata;

    private Builder() {
    }

    /**
     * Sets the idempotency key: 1–64 characters of {@code A-Z a-z 0-9 . _ : -}. Use your payment's own
     * id when it has one, so that reporting the same payment twice stores it once.
     *
     * @param eventId the id
     * @return this builder
     */
    public Builder eventId(String eventId) {
      this.eventId = eventId;
      return this;
    }

    /**
     * Sets when the payment happened (at most 30 days before it reaches the server).
     *
     * @param occurredAt the time
     * @return this builder
     */
    public Builder occurredAt(Instant occurredAt) {
      this.occurredAt = occurredAt;
      return this;
    }

    /**
     * Sets the gateway tried first: {@code stripe, paypal, braintree, square, razorpay, adyen, custom}.
     *
     * @param gateway the gateway's name
     * @return this builder
     */
    public Builder primaryGateway(String gateway) {
      this.primaryGateway = lower(gateway);
      return this;
    }

    /**
     * Sets the gateway that handled the payment in the end.
     *
     * @param gateway the gateway's name
     * @return this builder
     */
    public Builder gatewayUsed(String gateway) {
      this.gatewayUsed = lower(gateway);
      return this;
    }

    /**
     * Sets whether the payment failed over (true exactly when the two gateways differ).
     *
     * @param failoverUsed whether the secondary handled it
     * @return this builder
     */
    public Builder failoverUsed(boolean failoverUsed) {
      this.failoverUsed = failoverUsed;
      return this;
    }

    /**
     * Sets the payment's final outcome.
     *
     * @param success whether the payment succeeded
     * @return this builder
     */
    public Builder success(boolean success) {
      this.success = success;
      return this;
    }

    /**
     * Sets the amount in minor units (0 to 10^12).
     *
     * @param amount minor units, e.g. 5000 for $50.00
     * @return this builder
     */
    public Builder amount(long amount) {
      this.amount = amount;
      return this;
    }

    /**
     * Sets the ISO 4217 currency code (any case).
     *
     * @param currency e.g. {@code "USD"}
     * @return this builder
     */
    public Builder currency(String currency) {
      this.currency = currency;
      return this;
    }

    /**
     * Sets the total time of the payment call(s).
     *
     * @param latencyMs milliseconds, 0 to 600000
     * @return this builder
     */
    public Builder latencyMs(long latencyMs) {
      this.latencyMs = latencyMs;
      return this;
    }

    /**
     * Sets the time from the primary's failure to the final result (required for a successful failover).
     *
     * @param recoveryTimeMs milliseconds, 0 to 600000
     * @return this builder
     */
    public Builder recoveryTimeMs(long recoveryTimeMs) {
      this.recoveryTimeMs = recoveryTimeMs;
      return this;
    }

    /**
     * Sets what the primary gateway answered when it failed.
     *
     * @param code a short error code (at most 64 characters)
     * @param httpStatus its HTTP status, or -1 when there was no answer
     * @param message a readable message (at most 512 characters), or null
     * @return this builder
     */
    public Builder primaryError(String code, long httpStatus, String message) {
      this.primaryErrorCode = code;
      this.primaryErrorHttpStatus = httpStatus;
      this.primaryErrorMessage = message;
      return this;
    }

    /**
     * Sets the merchant's own fields: at most 32 keys with string, number or boolean values.
     *
     * @param metadata the fields (copied)
     * @return this builder
     */
    public Builder metadata(Map<String, ?> metadata) {
      this.metadata = metadata;
      return this;
    }

    /**
     * Builds the event.
     *
     * @return the event
     * @throws IllegalStateException when primaryGateway, gatewayUsed, success or currency is missing
     */
    public PaymentEvent build() {
      requireSet(primaryGateway, "primaryGateway");
      requireSet(gatewayUsed, "gatewayUsed");
      requireSet(success, "success");
      requireSet(currency, "currency");
      return new PaymentEvent(this);
    }

    private static void requireSet(Object value, String field) {
      if (value == null) {
        throw new IllegalStateException(field + " is required");
      }
    }

    private static String lower(String name) {
      return Objects.requireNonNull(name, "gateway").toLowerCase(Locale.ROOT);
    }
  }
}
