package com.apisentinel.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * Open model: single-event POSTs arriving at a constant rate ({@code -Drate}, default 5,000/s) for
 * {@code -Dduration} seconds after a 10 s ramp, each with a fresh eventId, spread over the
 * simulation's customers. Target: p95 < 100 ms and < 0.1 % failures at that rate.
 *
 * <p>First a warm-up of {@code -Dwarmup} seconds (default 40) ramping to half the rate, whose
 * requests ("warm-up single") are reported but not asserted: on two cores the server's and Gatling's
 * JIT compilers take ~40 s to settle, and every customer's first events wait for the first quota
 * grant of each writer lane.
 */
public class IngestSingle extends Simulation {

  private static final int WARM_UP_SECONDS = Integer.getInteger("warmup", 40);

  private final Customers customers = Customers.register(LoadSettings.CUSTOMERS);
  private final double rate = LoadSettings.rate(5_000);

  {
    setUp(
        scenario("warm-up").feed(customers.feeder()).exec(Requests.ingestSingle("warm-up single"))
            .injectOpen(rampUsersPerSec(10).to(rate / 2).during(WARM_UP_SECONDS)),
        scenario("SDK sends single events").feed(customers.feeder()).exec(Requests.ingestSingle("ingest single"))
            .injectOpen(nothingFor(WARM_UP_SECONDS), rampUsersPerSec(rate / 2).to(rate).during(10),
                constantUsersPerSec(rate).during(LoadSettings.DURATION_SECONDS)))
        .protocols(Requests.protocol())
        .assertions(details("ingest single").responseTime().percentile(95.0).lt(100),
            details("ingest single").failedRequests().percent().lt(0.1));
  }
}
