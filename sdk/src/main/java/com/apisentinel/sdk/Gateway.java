package com.apisentinel.sdk;

import java.util.Map;

/**
 * A payment gateway as {@link FailoverPayments} uses it. {@link HttpGateway} covers a generic HTTP
 * API; implement this interface for a real adapter (a gateway's own Java library, say).
 *
 * <p>The contract that keeps failover from charging a card twice:
 * <ul>
 *   <li>{@link #post} sends the request with the given idempotency key, so that the gateway itself
 *       never charges twice for a repeated call;</li>
 *   <li>it throws {@link GatewayException#notSent} only when the request provably never reached the
 *       gateway (connection refused, DNS or TLS failure), and {@link GatewayException#outcomeUnknown}
 *       when it may have (a timeout after sending, a connection lost mid-response);</li>
 *   <li>{@link #classify} says what an answer proves;</li>
 *   <li>{@link #lookup}, when the gateway can tell, says whether anything was charged under a key:
 *       it is what allows failing over after a timeout.</li>
 * </ul>
 * Implementations are called from the app's payment threads, concurrently.
 */
public interface Gateway {

  /**
   * The gateway's name as API Sentinel knows it: {@code stripe, paypal, braintree, square,
   * razorpay, adyen} or {@code custom}.
   *
   * @return the name
   */
  String name();

  /**
   * Makes one payment call.
   *
   * @param request the endpoint, the data and the idempotency key
   * @return the gateway's answer, whatever its status
   * @throws GatewayException when no answer came
   */
  GatewayResponse post(GatewayRequest request) throws GatewayException;

  /**
   * What an answer proves. The default: 2xx {@link GatewayOutcome#SUCCEEDED}; 408, 429 and 503
   * {@link GatewayOutcome#NOT_PROCESSED}; other 5xx, 1xx and 3xx {@link GatewayOutcome#UNKNOWN}; other
   * 4xx {@link GatewayOutcome#DECLINED}.
   *
   * @param response the answer
   * @return what it proves
   */
  default GatewayOutcome classify(GatewayResponse response) {
    return HttpGateway.classifyStatus(response.statusCode(), HttpGateway.DEFAULT_NOT_PROCESSED);
  }

  /**
   * Whether the gateway charged anything under an idempotency key, for a call whose outcome was
   * unknown. The default cannot tell.
   *
   * @param idempotencyKey the key the call was made with
   * @return what the gateway says
   * @throws GatewayException when the lookup itself failed (treated as {@link ChargeStatus#UNKNOWN})
   */
  default ChargeStatus lookup(String idempotencyKey) throws GatewayException {
    return ChargeStatus.UNKNOWN;
  }

  /**
   * The payment's amount, read from the request data for the event the payment reports. The
   * default reads an integer {@code amount} (minor units) and a three-letter {@code currency}.
   *
   * @param data the request data
   * @return the amount, or null when the data does not say
   */
  default Amount amountOf(Map<String, ?> data) {
    return Amount.read(data);
  }
}
