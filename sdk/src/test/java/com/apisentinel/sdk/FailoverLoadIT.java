package com.apisentinel.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.sdk.support.FakeGateway;
import com.apisentinel.sdk.support.FakeGateway.Fault;
import com.apisentinel.sdk.support.RunningSentinel;
import com.apisentinel.sdk.support.SentinelServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10,000 payments from 16 threads while the primary gateway fails in every way a gateway can (and
 * the secondary now and then): no payment is ever charged twice, every success was charged exactly
 * once, and the server stores one event per payment that says what happened.
 */
class FailoverLoadIT {

  private static final int PAYMENTS = 10_000;
  @RegisterExtension
  static final RunningSentinel SENTINEL = new RunningSentinel();


  @Test
  void noPaymentIsChargedTwiceWhateverThePrimaryDoes() throws Exception {
    SentinelServer.Customer customer = SENTINEL.server().register();
    SENTINEL.server().setTier(customer, "enterprise");
    try (FakeGateway stripe = new FakeGateway("stripe"); FakeGateway paypal = new FakeGateway("paypal");
         SentinelClient client = SentinelClient.builder().apiKey(customer.apiKey()).endpoint(SENTINEL.server().uri())
             .maxQueue(PAYMENTS, 64L << 20).remoteConfig(false, Duration.ofMinutes(1)).build()) {
      stripe.faults(key -> randomFault(0.5));
      paypal.faults(key -> ThreadLocalRandom.current().nextInt(20) == 0 ? Fault.UNAVAILABLE : Fault.NONE);
      Duration timeout = Duration.ofMillis(100);
      FailoverPayments payments = client.failover(
          stripe.gateway().timeout(timeout).statusLookup(stripe::lookup).build(),
          paypal.gateway().timeout(timeout).statusLookup(paypal::lookup).build(),
          FailoverOptions.builder().circuitBreaker(1000, Duration.ofSeconds(1)).build());

      List<PaymentResult> results = pay(payments);
      client.flush().get(2, TimeUnit.MINUTES);

      Set<String> byStripe = stripe.chargedPayments();
      Set<String> byPaypal = paypal.chargedPayments();
      Set<String> chargedTwice = new HashSet<>(byStripe);
      chargedTwice.retainAll(byPaypal);
      assertThat(chargedTwice).as("charged by both gateways").isEmpty();
      Map<PaymentOutcome, Integer> outcomes = new EnumMap<>(PaymentOutcome.class);
      for (PaymentResult result : results) {
        outcomes.merge(result.outcome(), 1, Integer::sum);
        boolean charged = byStripe.contains(result.paymentId()) || byPaypal.contains(result.paymentId());
        if (result.outcome() == PaymentOutcome.SUCCEEDED) {
          assertThat(charged).as(result.toString()).isTrue();
        } else if (result.outcome() != PaymentOutcome.UNKNOWN) {
          assertThat(charged).as(result.toString()).isFalse();
        }
      }
      assertThat(outcomes.keySet()).contains(PaymentOutcome.SUCCEEDED, PaymentOutcome.DECLINED, PaymentOutcome.FAILED);
      assertThat(results.stream().filter(PaymentResult::failoverUsed).count()).isGreaterThan(PAYMENTS / 10);

      long recovered = results.stream().filter(r -> r.failoverUsed() && r.success()).count();
      assertThat(SENTINEL.countEvents(customer, "true")).isEqualTo(PAYMENTS);
      assertThat(SENTINEL.countEvents(customer, "failover_used AND success AND recovery_time_ms IS NOT NULL"))
          .isEqualTo(recovered);
      assertThat(SENTINEL.countEvents(customer, "success"))
          .isEqualTo(outcomes.get(PaymentOutcome.SUCCEEDED).longValue());
    }
  }

  private static List<PaymentResult> pay(FailoverPayments payments) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(16);
    try {
      List<Future<PaymentResult>> futures = new ArrayList<>();
      for (int i = 0; i < PAYMENTS; i++) {
        long amount = 100 + ThreadLocalRandom.current().nextInt(100_000);
        futures.add(threads.submit(() -> payments.postWithFailover("/charges", Map.of("amount", amount,
            "currency", "usd"))));
      }
      List<PaymentResult> results = new ArrayList<>();
      for (Future<PaymentResult> future : futures) {
        results.add(future.get(5, TimeUnit.MINUTES));
      }
      return results;
    } finally {
      threads.shutdownNow();
    }
  }

  /** Any fault, most of them rare; the slow ones rarer still, since each costs a client timeout. */
  private static Fault randomFault(double healthy) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (random.nextDouble() < healthy) {
      return Fault.NONE;
    }
    Fault[] faults = Fault.values();
    Fault fault = faults[1 + random.nextInt(faults.length - 1)];
    boolean slow = fault == Fault.SLOW_AFTER_CHARGE || fault == Fault.SLOW_BEFORE_CHARGE;
    return slow && random.nextInt(4) != 0 ? Fault.UNAVAILABLE : fault;
  }
}
