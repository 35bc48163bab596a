package com.apisentinel.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One payment through {@link FailoverPayments}: the calls, the decisions, and the event it reports. */
final class FailoverRun {

  private static final long MAX_REPORTED_MS = 600_000;
  private static final int MAX_MESSAGE = 512;

  private final PaymentRequest request;
  private final Gateway primary;
  private final Gateway secondary;
  private final FailoverOptions options;
  private final RemoteConfig remote;
  private final Function<String, CircuitBreaker> breakers;
  private final String paymentId;
  private final List<PaymentResult.Attempt> attempts = new ArrayList<>(2);
  private final long startedAt = System.nanoTime();
  /** When the primary's failure was known (the start of recovery), 0 without failover. */
  private long failedOverAt;
  /** What the primary's lookup said after an unknown outcome, so that it is asked once. */
  private ChargeStatus primaryLookup;

  /** False for a repeat pinned to one gateway: nothing may be tried elsewhere. */
  private final boolean failoverAllowed;

  FailoverRun(PaymentRequest request, Gateway primary, Gateway secondary, FailoverOptions options,
              RemoteConfig remote, Function<String, CircuitBreaker> breakers, boolean failoverAllowed) {
    this.failoverAllowed = failoverAllowed;
    this.request = request;
    this.primary = primary;
    this.secondary = secondary;
    this.options = options;
    this.remote = remote;
    this.breakers = breakers;
    this.paymentId = request.paymentId() != null ? request.paymentId() : Ids.paymentId();
  }

  PaymentResult execute() {
    boolean failoverEnabled = failoverAllowed && options.enabled(remote);
    PaymentResult.Attempt first = skipPrimary(failoverEnabled) ? skipped(primary) : call(primary);
    if (!failoverEnabled || !mayFailOver(first)) {
      return finish(primary, false, first);
    }
    failedOverAt = System.nanoTime();
    return finish(secondary, true, call(secondary));
  }

  /** Straight to the secondary while the primary's breaker is open, unless the secondary's is too. */
  private boolean skipPrimary(boolean failoverEnabled) {
    CircuitBreaker.Permit permit = breakers.apply(primary.name()).permit();
    return permit == CircuitBreaker.Permit.SKIP && failoverEnabled && !breakers.apply(secondary.name()).isOpen();
  }

  private boolean mayFailOver(PaymentResult.Attempt first) {
    switch (first.outcome()) {
      case NOT_PROCESSED:
        return true;
      case SOFT_DECLINED:
        return options.failoverOnSoftDecline();
      case UNKNOWN:
        if (options.onTimeout(remote) != TimeoutPolicy.LOOKUP) {
          return false;
        }
        primaryLookup = lookup(primary, first.idempotencyKey());
        return primaryLookup == ChargeStatus.NOT_CHARGED;
      default:
        return false;
    }
  }

  private PaymentResult.Attempt call(Gateway gateway) {
    String key = idempotencyKey(gateway);
    long started = System.nanoTime();
    PaymentResult.Attempt attempt;
    try {
      GatewayResponse response = gateway.post(new GatewayRequest(request.endpoint(), request.data(), key));
      GatewayOutcome outcome = gateway.classify(response);
      int status = response.statusCode();
      boolean ok = outcome == GatewayOutcome.SUCCEEDED;
      attempt = new PaymentResult.Attempt(gateway.name(), key, outcome, status, response.body(),
          ok ? null : "http_" + status, ok ? null : gateway.name() + " answered " + status, millisSince(started));
    } catch (GatewayException e) {
      attempt = new PaymentResult.Attempt(gateway.name(), key,
          e.requestSent() ? GatewayOutcome.UNKNOWN : GatewayOutcome.NOT_PROCESSED, 0, "", e.code(), e.getMessage(),
          millisSince(started));
    } catch (RuntimeException e) {
      // An adapter's bug: whether it sent the request cannot be known, so nothing may be assumed.
      attempt = new PaymentResult.Attempt(gateway.name(), key, GatewayOutcome.UNKNOWN, 0, "", "adapter_error",
          gateway.name() + " adapter failed: " + e, millisSince(started));
    }
    record(gateway, attempt.outcome());
    attempts.add(attempt);
    return attempt;
  }

  private PaymentResult.Attempt skipped(Gateway gateway) {
    PaymentResult.Attempt attempt = new PaymentResult.Attempt(gateway.name(), idempotencyKey(gateway),
        GatewayOutcome.NOT_PROCESSED, 0, "", "circuit_open",
        gateway.name() + " skipped: its circuit breaker is open after consecutive failures", 0);
    attempts.add(attempt);
    return attempt;
  }

  private void record(Gateway gateway, GatewayOutcome outcome) {
    CircuitBreaker breaker = breakers.apply(gateway.name());
    if (outcome == GatewayOutcome.NOT_PROCESSED || outcome == GatewayOutcome.UNKNOWN) {
      breaker.failed(options.failureThreshold(remote), options.openNanos(remote));
    } else {
      breaker.succeeded();
    }
  }

  private static ChargeStatus lookup(Gateway gateway, String key) {
    try {
      ChargeStatus status = gateway.lookup(key);
      return status == null ? ChargeStatus.UNKNOWN : status;
    } catch (GatewayException | RuntimeException e) {
      return ChargeStatus.UNKNOWN;
    }
  }

  /** The payment's outcome from its last call; an unknown one is settled by a lookup when allowed. */
  private PaymentResult finish(Gateway used, boolean failedOver, PaymentResult.Attempt last) {
    PaymentOutcome outcome = outcome(used, last);
    long now = System.nanoTime();
    long recovery = failedOver ? TimeUnit.NANOSECONDS.toMillis(now - failedOverAt) : 0;
    return new PaymentResult(outcome, paymentId, used.name(), failedOver, recovery,
        TimeUnit.NANOSECONDS.toMillis(now - startedAt), last, attempts);
  }

  private PaymentOutcome outcome(Gateway used, PaymentResult.Attempt last) {
    switch (last.outcome()) {
      case SUCCEEDED:
        return PaymentOutcome.SUCCEEDED;
      case DECLINED:
      case SOFT_DECLINED:
        return PaymentOutcome.DECLINED;
      case NOT_PROCESSED:
        return PaymentOutcome.FAILED;
      default:
        if (options.onTimeout(remote) != TimeoutPolicy.LOOKUP) {
          return PaymentOutcome.UNKNOWN;
        }
        ChargeStatus status = used == primary && primaryLookup != null ? primaryLookup
            : lookup(used, last.idempotencyKey());
        return status == ChargeStatus.CHARGED ? PaymentOutcome.SUCCEEDED
            : status == ChargeStatus.NOT_CHARGED ? PaymentOutcome.FAILED : PaymentOutcome.UNKNOWN;
    }
  }

  /** The event this payment reports: the payment id is its event id, so a repeated payment reports once. */
  PaymentEvent event(PaymentResult result) {
    Amount amount = request.amount() != null ? request.amount() : amountFromData();
    if (amount == null) {
      amount = Amount.UNKNOWN;
    }
    PaymentEvent.Builder event = PaymentEvent.builder().eventId(paymentId)
        .primaryGateway(primary.name()).gatewayUsed(result.gatewayUsed()).failoverUsed(result.failoverUsed())
        .success(result.success()).amount(amount.minorUnits()).currency(amount.currency())
        .latencyMs(Math.min(result.latencyMs(), MAX_REPORTED_MS));
    if (result.failoverUsed()) {
      event.recoveryTimeMs(Math.min(result.recoveryTimeMs(), MAX_REPORTED_MS));
    }
    PaymentResult.Attempt first = attempts.get(0);
    if (first.outcome() != GatewayOutcome.SUCCEEDED) {
      event.primaryError(first.errorCode(), first.statusCode() == 0 ? PaymentEvent.ABSENT : first.statusCode(),
          truncate(first.error()));
    }
    if (request.metadata() != null) {
      event.metadata(request.metadata());
    }
    return event.build();
  }

  private Amount amountFromData() {
    try {
      return primary.amountOf(request.data());
    } catch (RuntimeException adapterBug) {
      return null;
    }
  }

  private String idempotencyKey(Gateway gateway) {
    return paymentId + ":" + gateway.name();
  }

  private static long millisSince(long started) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  private static String truncate(String message) {
    return message == null || message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE);
  }
}
