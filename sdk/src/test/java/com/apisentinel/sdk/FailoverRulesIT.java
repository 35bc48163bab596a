package com.apisentinel.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.sdk.support.FakeGateway;
import com.apisentinel.sdk.support.FakeGateway.Fault;
import com.apisentinel.sdk.support.RunningSentinel;
import com.apisentinel.sdk.support.SentinelServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every failover rule, with fake gateways that inject real gateways' faults and the packaged server
 * receiving the events: what the payment returns, which gateway was called with which key, and what
 * the server stored.
 */
class FailoverRulesIT {

  @RegisterExtension
  static final RunningSentinel SENTINEL = new RunningSentinel();
  private SentinelServer.Customer customer;
  private FakeGateway stripe;
  private FakeGateway paypal;
  private SentinelClient client;


  @BeforeEach
  void startGateways() throws Exception {
    customer = SENTINEL.server().register();
    stripe = new FakeGateway("stripe");
    paypal = new FakeGateway("paypal");
    client = client(Duration.ofMinutes(1));
  }

  private SentinelClient client(Duration configRefresh) {
    return SentinelClient.builder().apiKey(customer.apiKey()).endpoint(SENTINEL.server().uri())
        .flushInterval(Duration.ofMillis(20)).remoteConfig(true, configRefresh).build();
  }

  @AfterEach
  void stopGateways() {
    client.close();
    stripe.close();
    paypal.close();
  }

  private FailoverPayments payments() {
    return payments(FailoverOptions.FOLLOW_SERVER);
  }

  private FailoverPayments payments(FailoverOptions options) {
    return client.failover(stripe.gateway().build(), paypal.gateway().build(), options);
  }

  private static final Map<String, Object> CHARGE = Map.of("amount", 5000, "currency", "usd", "source", "tok_visa");

  /** The stored event: gateway_used, failover_used, success, amount, currency, recovery_time_ms, error code, status. */
  private List<Object> stored(PaymentResult result) throws Exception {
    client.flush().get(10, TimeUnit.SECONDS);
    List<List<Object>> rows = SENTINEL.database().query("SELECT gateway_used, failover_used, success, amount, "
        + "currency, recovery_time_ms IS NOT NULL, primary_error_code, primary_error_http_status FROM events "
        + "WHERE customer_id = ?::uuid AND event_id = ?", customer.id(), result.paymentId());
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  @Test
  void aPrimaryThatChargesIsTheOnlyGatewayCalled() throws Exception {
    PaymentResult result = payments().postWithFailover("/charges", CHARGE);

    assertThat(result.success()).isTrue();
    assertThat(result.gatewayUsed()).isEqualTo("stripe");
    assertThat(result.failoverUsed()).isFalse();
    assertThat(result.recoveryTimeMs()).isZero();
    assertThat(result.statusCode()).isEqualTo(200);
    assertThat(result.error()).isNull();
    assertThat(paypal.calls()).isEmpty();
    FakeGateway.Call call = stripe.calls().get(0);
    assertThat(call.contentType()).isEqualTo("application/json");
    assertThat(call.body()).contains("\"amount\":5000").contains("\"currency\":\"usd\"");
    assertThat(call.headers().get("Authorization")).containsExactly("Bearer stripe-secret");
    assertThat(call.idempotencyKey()).isEqualTo(result.paymentId() + ":stripe");
    assertThat(stored(result)).containsExactly("stripe", false, true, 5000L, "USD", false, null, null);
  }

  @Test
  void aPaymentWhoseAmountNobodyCanReadIsReportedWithTheUnknownAmount() throws Exception {
    PaymentResult result = payments().postWithFailover("/charges", Map.of("source", "tok_visa"));

    assertThat(result.success()).isTrue();
    assertThat(stored(result)).containsExactly("stripe", false, true, 0L, "XXX", false, null, null);
  }

  @Test
  void a503FromThePrimaryFailsOverAndTheRecoveryIsReported() throws Exception {
    stripe.fault(Fault.UNAVAILABLE);
    PaymentResult result = payments().postWithFailover("/charges", CHARGE);

    assertThat(result.outcome()).isEqualTo(PaymentOutcome.SUCCEEDED);
    assertThat(result.gatewayUsed()).isEqualTo("paypal");
    assertThat(result.failoverUsed()).isTrue();
    assertThat(stripe.calls()).extracting(FakeGateway.Call::idempotencyKey)
        .containsExactly(result.paymentId() + ":stripe");
    assertThat(paypal.calls()).extracting(FakeGateway.Call::idempotencyKey)
        .containsExactly(result.paymentId() + ":paypal");
    assertThat(stored(result)).containsExactly("paypal", true, true, 5000L, "USD", true, "http_503", 503);
  }

  @Test
  void aRefusedConnectionFailsOver() throws Exception {
    Gateway dead = HttpGateway.builder("stripe").baseUrl(ReportingTest.unreachable()).build();
    PaymentResult result = client.failover(dead, paypal.gateway().build()).postWithFailover("/charges", CHARGE);

    assertThat(result.success()).isTrue();
    assertThat(result.gatewayUsed()).isEqualTo("paypal");
    assertThat(result.attempts().get(0).errorCode()).isEqualTo("connection_refused");
    assertThat(stored(result)).containsExactly("paypal", true, true, 5000L, "USD", true, "connection_refused", null);
  }

  @Test
  void a429FromThePrimaryFailsOver() throws Exception {
    stripe.fault(Fault.RATE_LIMITED);
    PaymentResult result = payments().postWithFailover("/charges", CHARGE);
    assertThat(result.gatewayUsed()).isEqualTo("paypal");
    assertThat(result.success()).isTrue();
  }

  @Test
  void aHardDeclineIsReturnedAndNeverTriedElsewhere() throws Exception {
    stripe.fault(Fault.DECLINE);
    PaymentResult result = payments().postWithFailover("/charges", CHARGE);

    assertThat(result.outcome()).isEqualTo(PaymentOutcome.DECLINED);
    assertThat(result.statusCode()).isEqualTo(402);
    assertThat(result.body()).contains("stolen_card");
    assertThat(paypal.calls()).isEmpty();
    assertThat(stored(result)).containsExactly("stripe", false, false, 5000L, "USD", false, "http_402", 402);
  }

  @Test
  void aSoftDeclineFailsOverOnlyWhenTheOptionsSaySo() {
    stripe.fault(Fault.SOFT_DECLINE);
    Gateway softAware = stripe.gateway().softDecline(r -> r.body().contains("try_again_later")).build();

    PaymentResult kept = client.failover(softAware, paypal.gateway().build()).postWithFailover("/charges", CHARGE);
    assertThat(kept.outcome()).isEqualTo(PaymentOutcome.DECLINED);
    assertThat(paypal.calls()).isEmpty();

    PaymentResult failedOver = client.failover(softAware, paypal.gateway().build(),
        FailoverOptions.builder().failoverOnSoftDecline(true).build()).postWithFailover("/charges", CHARGE);
    assertThat(failedOver.gatewayUsed()).isEqualTo("paypal");
    assertThat(failedOver.success()).isTrue();
  }

  @Test
  void aTimeoutAfterSendingIsAnUnknownOutcomeWithoutALookup() throws Exception {
    stripe.fault(Fault.SLOW_AFTER_CHARGE);
    PaymentResult result = payments().postWithFailover("/charges", CHARGE);

    assertThat(result.outcome()).isEqualTo(PaymentOutcome.UNKNOWN);
    assertThat(result.success()).isFalse();
    assertThat(result.attempts().get(0).errorCode()).isEqualTo("timeout");
    assertThat(paypal.calls()).as("the card may have been charged: no failover").isEmpty();
    assertThat(stored(result)).containsExactly("stripe", false, false, 5000L, "USD", false, "timeout", null);
  }

  @Test
  void aTimeoutFailsOverOnlyWhenTheLookupProvesNothingWasCharged() {
    Gateway withLookup = stripe.gateway().statusLookup(stripe::lookup).build();

    stripe.fault(Fault.SLOW_BEFORE_CHARGE);
    PaymentResult notCharged = client.failover(withLookup, paypal.gateway().build())
        .postWithFailover("/charges", CHARGE);
    assertThat(notCharged.gatewayUsed()).isEqualTo("paypal");
    assertThat(notCharged.success()).isTrue();

    stripe.fault(Fault.SLOW_AFTER_CHARGE);
    PaymentResult charged = client.failover(withLookup, paypal.gateway().build()).postWithFailover("/charges", CHARGE);
    assertThat(charged.outcome()).isEqualTo(PaymentOutcome.SUCCEEDED);
    assertThat(charged.gatewayUsed()).isEqualTo("stripe");
    assertThat(charged.failoverUsed()).isFalse();
    assertThat(paypal.chargedPayments()).containsExactly(notCharged.paymentId());
  }

  @Test
  void theReturnPolicyNeverFailsOverAfterATimeoutEvenWithALookup() {
    stripe.fault(Fault.SLOW_BEFORE_CHARGE);
    Gateway withLookup = stripe.gateway().statusLookup(stripe::lookup).build();
    PaymentResult result = client.failover(withLookup, paypal.gateway().build(),
        FailoverOptions.builder().onTimeout(TimeoutPolicy.RETURN).build()).postWithFailover("/charges", CHARGE);
    assertThat(result.outcome()).isEqualTo(PaymentOutcome.UNKNOWN);
    assertThat(paypal.calls()).isEmpty();
  }

  @Test
  void aConnectionLostMidAnswerIsUnknownAndTheLookupSettlesIt() {
    stripe.fault(Fault.DROP_AFTER_CHARGE);
    PaymentResult withoutLookup = payments().postWithFailover("/charges", CHARGE);
    assertThat(withoutLookup.outcome()).isEqualTo(PaymentOutcome.UNKNOWN);
    assertThat(withoutLookup.attempts().get(0).errorCode()).isEqualTo("connection_lost");

    PaymentResult withLookup = client.failover(stripe.gateway().statusLookup(stripe::lookup).build(),
        paypal.gateway().build()).postWithFailover("/charges", CHARGE);
    assertThat(withLookup.outcome()).isEqualTo(PaymentOutcome.SUCCEEDED);
    assertThat(withLookup.gatewayUsed()).isEqualTo("stripe");
    assertThat(paypal.calls()).isEmpty();
  }

  @Test
  void a500IsUnknownUnlessTheGatewaySaysItMeansNotProcessed() {
    stripe.fault(Fault.ERROR_BEFORE_CHARGE);
    assertThat(payments().postWithFailover("/charges", CHARGE).outcome()).isEqualTo(PaymentOutcome.UNKNOWN);
    assertThat(paypal.calls()).isEmpty();

    Gateway fiveHundredIsSafe = stripe.gateway().notProcessedStatuses(500, 503).build();
    PaymentResult result = client.failover(fiveHundredIsSafe, paypal.gateway().build())
        .postWithFailover("/charges", CHARGE);
    assertThat(result.gatewayUsed()).isEqualTo("paypal");
    assertThat(result.success()).isTrue();
  }

  @Test
  void bothGatewaysFailingIsAFailedRecovery() throws Exception {
    stripe.fault(Fault.UNAVAILABLE);
    paypal.fault(Fault.UNAVAILABLE);
    PaymentResult result = payments().postWithFailover("/charges", CHARGE);

    assertThat(result.outcome()).isEqualTo(PaymentOutcome.FAILED);
    assertThat(result.failoverUsed()).isTrue();
    assertThat(result.error()).contains("paypal answered 503");
    assertThat(stored(result)).containsExactly("paypal", true, false, 5000L, "USD", true, "http_503", 503);
  }

  @Test
  void idempotencyKeysArePerPaymentAndGatewayAndTheSameWhenAPaymentIsRepeated() throws Exception {
    stripe.fault(Fault.UNAVAILABLE);
    PaymentRequest request = PaymentRequest.to("/charges").data(CHARGE).paymentId("order-1001")
        .amount(5000, "USD").metadata(Map.of("cart", "c-9")).build();
    PaymentResult first = payments().postWithFailover(request);
    PaymentResult again = payments().postWithFailover(request);

    assertThat(first.paymentId()).isEqualTo("order-1001");
    assertThat(stripe.calls()).extracting(FakeGateway.Call::idempotencyKey).containsOnly("order-1001:stripe");
    assertThat(paypal.calls()).extracting(FakeGateway.Call::idempotencyKey).containsOnly("order-1001:paypal");
    assertThat(paypal.charges()).as("the repeated call is the same charge").isEqualTo(1);
    assertThat(again.success()).isTrue();
    client.flush().get(10, TimeUnit.SECONDS);
    assertThat(SENTINEL.countEvents(customer, "event_id = 'order-1001'")).isEqualTo(1);
  }

  @Test
  void aStalledAnswerBodyIsAnUnknownOutcomeWithinTheTimeout() {
    stripe.fault(Fault.STALL_AFTER_CHARGE);
    long start = System.nanoTime();
    PaymentResult result = payments().postWithFailover("/charges", CHARGE);

    assertThat(result.outcome()).isEqualTo(PaymentOutcome.UNKNOWN);
    assertThat(result.attempts().get(0).errorCode()).isEqualTo("timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FakeGateway.SLOW);
    assertThat(paypal.calls()).isEmpty();
  }

  @Test
  void aPaymentIdCannotRunTwiceAtOnce() throws Exception {
    stripe.fault(Fault.SLOW_AFTER_CHARGE);
    PaymentRequest request = PaymentRequest.to("/charges").data(CHARGE).paymentId("order-2002").build();
    FailoverPayments payments = payments();
    java.util.concurrent.CompletableFuture<PaymentResult> first =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> payments.postWithFailover(request));
    await().atMost(Duration.ofSeconds(5)).until(() -> !stripe.calls().isEmpty());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> payments.postWithFailover(request))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("order-2002");
    assertThat(first.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(PaymentOutcome.UNKNOWN);
  }

  @Test
  void repeatingAnUnknownPaymentGoesOnlyToTheGatewayThatMayHaveChargedIt() {
    PaymentRequest request = PaymentRequest.to("/charges").data(CHARGE).paymentId("order-3003").build();
    stripe.fault(Fault.ERROR_AFTER_CHARGE); // charged, but the answer says 500: unknown without a lookup
    FailoverPayments payments = payments(FailoverOptions.builder().circuitBreaker(1, Duration.ofMinutes(1)).build());
    assertThat(payments.postWithFailover(request).outcome()).isEqualTo(PaymentOutcome.UNKNOWN);

    // stripe's breaker is open now, which would send a new payment straight to paypal; a repeat must not go there.
    stripe.fault(Fault.NONE);
    PaymentResult repeat = payments.postWithFailover(request);
    assertThat(repeat.gatewayUsed()).isEqualTo("stripe");
    assertThat(repeat.success()).isTrue();
    assertThat(paypal.calls()).isEmpty();
    assertThat(stripe.calls()).extracting(FakeGateway.Call::idempotencyKey).containsOnly("order-3003:stripe");
    assertThat(stripe.charges()).isEqualTo(1);
  }

  @Test
  void theCircuitBreakerSkipsAFailingPrimaryThenProbesItAfterTheCoolDown() {
    stripe.fault(Fault.UNAVAILABLE);
    FailoverPayments payments = payments(FailoverOptions.builder().circuitBreaker(2, Duration.ofMillis(700)).build());
    payments.postWithFailover("/charges", CHARGE);
    payments.postWithFailover("/charges", CHARGE);
    assertThat(stripe.calls()).hasSize(2);

    PaymentResult skipped = payments.postWithFailover("/charges", CHARGE);
    assertThat(stripe.calls()).as("open: straight to the secondary").hasSize(2);
    assertThat(skipped.gatewayUsed()).isEqualTo("paypal");
    assertThat(skipped.attempts().get(0).errorCode()).isEqualTo("circuit_open");

    stripe.fault(Fault.NONE);
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> payments.postWithFailover("/charges", CHARGE).gatewayUsed().equals("stripe"));
    assertThat(payments.postWithFailover("/charges", CHARGE).gatewayUsed()).as("closed again").isEqualTo("stripe");
  }

  @Test
  void theProfileSwapsTheGatewaysAndTurnsFailoverOffWithoutARedeploy() throws Exception {
    client.close();
    client = client(Duration.ofMillis(200));
    SENTINEL.server().updateProfile(customer, "{\"primaryGateway\":\"paypal\",\"secondaryGateway\":\"stripe\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> "paypal".equals(client.remoteConfig().primaryGateway()));

    PaymentResult swapped = payments().postWithFailover("/charges", CHARGE);
    assertThat(swapped.gatewayUsed()).isEqualTo("paypal");
    assertThat(stripe.calls()).isEmpty();
    PaymentResult pinned = payments(FailoverOptions.builder().pinGatewayOrder(true).build())
        .postWithFailover("/charges", CHARGE);
    assertThat(pinned.gatewayUsed()).as("a local setting wins").isEqualTo("stripe");

    SENTINEL.server().updateProfile(customer, "{\"failover\":{\"enabled\":false}}");
    await().atMost(Duration.ofSeconds(10)).until(() -> !client.remoteConfig().failoverEnabled());
    paypal.fault(Fault.UNAVAILABLE);
    PaymentResult off = payments().postWithFailover("/charges", CHARGE);
    assertThat(off.outcome()).isEqualTo(PaymentOutcome.FAILED);
    assertThat(off.failoverUsed()).isFalse();
    assertThat(stripe.calls()).hasSize(1);
    assertThat(stored(off)).containsExactly("paypal", false, false, 5000L, "USD", false, "http_503", 503);
  }

  @Test
  void aFormBodyIsSentTheWayStripeReadsIt() {
    Gateway form = stripe.gateway().formBody().build();
    client.failover(form, paypal.gateway().build()).postWithFailover("/charges",
        Map.of("amount", 5000, "metadata", Map.of("order", "A 1")));
    FakeGateway.Call call = stripe.calls().get(0);
    assertThat(call.contentType()).isEqualTo("application/x-www-form-urlencoded");
    assertThat(call.body().split("&")).containsExactlyInAnyOrder("amount=5000", "metadata%5Border%5D=A+1");
  }
}
