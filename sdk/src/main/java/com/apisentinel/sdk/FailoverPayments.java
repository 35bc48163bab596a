package com.apisentinel.sdk;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Payments through a primary gateway with failover to a secondary one, made so that failing over
 * never charges a card twice. Get one from {@link SentinelClient#failover(Gateway, Gateway)}; it is
 * thread-safe and meant to be shared.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>Each gateway call carries an {@code Idempotency-Key} unique to the payment and the gateway
 *       ({@code <paymentId>:<gateway>}), so repeating a call (the same {@link PaymentRequest.Builder#paymentId})
 *       never charges twice at that gateway.</li>
 *   <li>The primary answering 2xx ends the payment: the secondary is never called after a success.</li>
 *   <li>A hard decline (a 4xx) is returned as it is; a soft decline fails over only when
 *       {@link FailoverOptions.Builder#failoverOnSoftDecline} says so.</li>
 *   <li>The payment fails over when the primary provably did not process it: the connection was
 *       refused, DNS or TLS failed, the connect timed out, or it answered 408, 429 or a "not
 *       processed" 5xx (503 by default; see {@link HttpGateway.Builder#notProcessedStatuses}).</li>
 *   <li><b>A timeout after the request was sent is an unknown outcome</b>, and so is a connection
 *       lost mid-answer or another 5xx: the gateway may have charged the card. With
 *       {@link TimeoutPolicy#LOOKUP} (the default) the payment asks the gateway's
 *       {@link Gateway#lookup} and fails over only if it confirms that nothing was charged; otherwise,
 *       or with {@link TimeoutPolicy#RETURN}, it returns {@link PaymentOutcome#UNKNOWN} for you to
 *       reconcile, and does not fail over.</li>
 *   <li>Each gateway has a circuit breaker: after N consecutive failures payments skip it and go
 *       straight to the other gateway for a cool-down, then one payment probes it.</li>
 *   <li>A payment with your own id cannot run twice at once in this client (the second call throws
 *       {@link IllegalStateException}), and repeating one whose outcome was {@link PaymentOutcome#UNKNOWN}
 *       goes to the gateway of that attempt only, under the same key: the two gateways share no
 *       idempotency, so that gateway is the only place a repeat cannot charge twice. This memory is
 *       the client's (the last 10,000 unknown outcomes): after a restart, reconcile unknown payments
 *       with the gateway first. The server keeps the first report of a payment id.</li>
 * </ol>
 * Every payment reports its event through the client's {@link SentinelClient#track}: the gateways,
 * the outcome, the amount (from {@link PaymentRequest.Builder#amount} or the adapter's
 * {@link Gateway#amountOf}), the latency, the recovery time and the primary's error. Which gateway
 * is primary, whether to fail over at all, the timeout policy and the breaker follow the server's
 * config ({@link RemoteConfig}) unless {@link FailoverOptions} set them.
 */
public final class FailoverPayments {

  /** The gateway names the server knows; an event naming another would be refused. */
  static final Set<String> KNOWN_GATEWAYS = Set.of("stripe", "paypal", "braintree", "square", "razorpay", "adyen",
      "custom");

  private static final System.Logger LOG = System.getLogger("com.apisentinel.sdk");
  private final SentinelClient client;
  private final Gateway first;
  private final Gateway second;
  private final FailoverOptions options;

  FailoverPayments(SentinelClient client, Gateway primary, Gateway secondary, FailoverOptions options) {
    this.client = client;
    this.first = Objects.requireNonNull(primary, "primary");
    this.second = Objects.requireNonNull(secondary, "secondary");
    this.options = Objects.requireNonNull(options, "options");
    requireKnown(primary.name());
    requireKnown(secondary.name());
    if (primary.name().equals(secondary.name())) {
      throw new IllegalArgumentException("the primary and secondary gateways must differ: both are " + primary.name());
    }
  }

  private static void requireKnown(String name) {
    if (!KNOWN_GATEWAYS.contains(name)) {
      throw new IllegalArgumentException("gateway name " + name + " is not one of " + KNOWN_GATEWAYS
          + " (use \"custom\" for any other)");
    }
  }

  /**
   * Posts {@code data} to {@code endpoint} at the primary gateway, failing over to the secondary
   * when that is safe (see the class description), and reports the payment. Blocks the calling
   * thread for the gateway calls; never throws for a gateway's failure, which is in the result.
   *
   * @param endpoint the path, relative to each gateway's base URL, e.g. {@code /charges}
   * @param data the request data
   * @return how the payment ended
   */
  public PaymentResult postWithFailover(String endpoint, Map<String, ?> data) {
    return postWithFailover(PaymentRequest.to(endpoint).data(data).build());
  }

  /**
   * The typed variant: the request can carry your payment id, the amount and metadata for the event.
   *
   * @param request the payment
   * @return how the payment ended
   */
  public PaymentResult postWithFailover(PaymentRequest request) {
    String own = request.paymentId();
    if (own == null) {
      return pay(request, null);
    }
    if (!client.repeats().begin(own)) {
      throw new IllegalStateException("payment " + own + " is already in progress");
    }
    PaymentResult result = null;
    try {
      result = pay(request, client.repeats().pinnedGateway(own));
      return result;
    } finally {
      client.repeats().end(own, result);
    }
  }

  /** One run; a repeat of a payment whose outcome was unknown goes to that gateway alone. */
  private PaymentResult pay(PaymentRequest request, String pinnedGateway) {
    RemoteConfig remote = client.remoteConfig();
    Gateway[] order = order(remote);
    if (pinnedGateway != null && pinnedGateway.equals(order[1].name())) {
      order = new Gateway[] {order[1], order[0]};
    }
    FailoverRun run = new FailoverRun(request, order[0], order[1], options, remote, client::breaker,
        pinnedGateway == null);
    PaymentResult result = run.execute();
    try {
      client.track(run.event(result));
    } catch (RuntimeException e) {
      // An adapter's amountOf or a metadata value's toString failed: the payment itself is done and
      // must be returned, or the app might repeat it with a new id and charge twice.
      LOG.log(System.Logger.Level.WARNING, "payment " + result.paymentId() + " could not be reported", e);
    }
    return result;
  }

  private Gateway[] order(RemoteConfig remote) {
    boolean swapped = !options.pinGatewayOrder() && second.name().equals(remote.primaryGateway())
        && first.name().equals(remote.secondaryGateway());
    return swapped ? new Gateway[] {second, first} : new Gateway[] {first, second};
  }
}
