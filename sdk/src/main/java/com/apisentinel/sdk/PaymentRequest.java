package com.apisentinel.sdk;

import java.util.Map;
import java.util.Objects;

/**
 * A payment for {@link FailoverPayments#postWithFailover(PaymentRequest)}: the typed way to say what
 * the map-based call leaves to the gateway adapter (amount and currency for the event) and to give
 * the payment your own id.
 */
public final class PaymentRequest {

  private final String endpoint;
  private final Map<String, ?> data;
  private final String paymentId;
  private final Amount amount;
  private final Map<String, ?> metadata;

  private PaymentRequest(Builder b) {
    this.endpoint = Objects.requireNonNull(b.endpoint, "endpoint");
    this.data = b.data == null ? Map.of() : b.data;
    this.paymentId = b.paymentId;
    this.amount = b.amount;
    this.metadata = b.metadata;
  }

  /**
   * A builder for a call to {@code endpoint}.
   *
   * @param endpoint the path, relative to each gateway's base URL
   * @return the builder
   */
  public static Builder to(String endpoint) {
    return new Builder(endpoint);
  }

  /** @return the path, relative to each gateway's base URL */
  public String endpoint() {
    return endpoint;
  }

  /** @return the request data */
  public Map<String, ?> data() {
    return data;
  }

  /** @return your id for the payment, or null for a generated one */
  public String paymentId() {
    return paymentId;
  }

  /** @return the amount for the event, or null to let the gateway adapter read it from the data */
  public Amount amount() {
    return amount;
  }

  /** @return metadata for the event, or null */
  public Map<String, ?> metadata() {
    return metadata;
  }

  /** Builds a {@link PaymentRequest}. */
  public static final class Builder {
    private final String endpoint;
    private Map<String, ?> data;
    private String paymentId;
    private Amount amount;
    private Map<String, ?> metadata;

    private Builder(String endpoint) {
      this.endpoint = endpoint;
    }

    /**
     * Sets the request data, sent to whichever gateway handles the payment.
     *
     * @param data the data
     * @return this builder
     */
    public Builder data(Map<String, ?> data) {
      this.data = data;
      return this;
    }

    /**
     * Sets your id for the payment (an order id, say): 1–48 characters of
     * {@code A-Z a-z 0-9 . _ : -}. It becomes the event's id and the stem of the idempotency keys, so
     * calling again with the same id after a crash neither charges twice at a gateway nor reports twice.
     *
     * @param paymentId the id
     * @return this builder
     */
    public Builder paymentId(String paymentId) {
      this.paymentId = paymentId;
      return this;
    }

    /**
     * Sets the amount the event reports.
     *
     * @param minorUnits e.g. 5000 for $50.00
     * @param currency the ISO 4217 code
     * @return this builder
     */
    public Builder amount(long minorUnits, String currency) {
      this.amount = Amount.of(minorUnits, currency);
      return this;
    }

    /**
     * Sets metadata for the event (at most 32 keys of string, number or boolean values).
     *
     * @param metadata the fields
     * @return this builder
     */
    public Builder metadata(Map<String, ?> metadata) {
      this.metadata = metadata;
      return this;
    }

    /**
     * Builds the request.
     *
     * @return the request
     * @throws IllegalArgumentException when the payment id is not 1–48 characters of {@code A-Z a-z 0-9 . _ : -}
     */
    public PaymentRequest build() {
      if (paymentId != null && !paymentId.matches("[A-Za-z0-9._:-]{1,48}")) {
        throw new IllegalArgumentException("paymentId must be 1 to 48 characters of A-Z a-z 0-9 . _ : -");
      }
      return new PaymentRequest(this);
    }
  }
}
