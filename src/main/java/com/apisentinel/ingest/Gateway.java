package com.apisentinel.ingest;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The payment gateways API.md names; the wire name is the lower-case constant name. */
public enum Gateway {
  STRIPE, PAYPAL, BRAINTREE, SQUARE, RAZORPAY, ADYEN, CUSTOM;

  private static final Map<String, Gateway> BY_WIRE_NAME = Arrays.stream(values())
      .collect(Collectors.toUnmodifiableMap(Gateway::wireName, Function.identity()));
  static final String ALLOWED = Arrays.stream(values()).map(Gateway::wireName).collect(Collectors.joining(", "));

  private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

  /** The accepted names, for error messages. */
  public static String allowedNames() {
    return ALLOWED;
  }

  public String wireName() {
    return wireName;
  }

  /** @return the gateway, or null when the name is not one of {@link #ALLOWED} */
  public static Gateway fromWireName(String name) {
    return BY_WIRE_NAME.get(name);
  }
}
