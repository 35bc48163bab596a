package com.apisentinel.sdk;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Money as API Sentinel counts it: an integer of minor units and an ISO 4217 code. */
public final class Amount {

  /**
   * What a payment reports when neither the request nor the gateway adapter gives its amount: zero,
   * in ISO 4217's code for "no currency involved" ({@code XXX}). The event is still counted in failover
   * rates and recovery times; it adds nothing to any currency's revenue.
   */
  public static final Amount UNKNOWN = new Amount(0, "XXX");

  private final long minorUnits;
  private final String currency;

  private Amount(long minorUnits, String currency) {
    this.minorUnits = minorUnits;
    this.currency = currency;
  }

  /**
   * An amount.
   *
   * @param minorUnits e.g. 5000 for $50.00, 5000 for ¥5000
   * @param currency the ISO 4217 code, any case
   * @return the amount
   */
  public static Amount of(long minorUnits, String currency) {
    return new Amount(minorUnits, Objects.requireNonNull(currency, "currency").toUpperCase(Locale.ROOT));
  }

  /** @return the minor units */
  public long minorUnits() {
    return minorUnits;
  }

  /** @return the upper-case currency code */
  public String currency() {
    return currency;
  }

  /** {@code amount} (an integer, or a string of digits) and {@code currency} of a request's data, or null. */
  static Amount read(Map<String, ?> data) {
    Object amount = data.get("amount");
    Object currency = data.get("currency");
    if (!(currency instanceof String) || ((String) currency).length() != 3) {
      return null;
    }
    if (amount instanceof Long || amount instanceof Integer || amount instanceof Short) {
      return of(((Number) amount).longValue(), (String) currency);
    }
    if (amount instanceof String && ((String) amount).matches("[0-9]{1,13}")) {
      return of(Long.parseLong((String) amount), (String) currency);
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Amount && ((Amount) o).minorUnits == minorUnits && ((Amount) o).currency.equals(currency);
  }

  @Override
  public int hashCode() {
    return Objects.hash(minorUnits, currency);
  }

  @Override
  public String toString() {
    return minorUnits + " " + currency;
  }
}
