package com.apisentinel.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * Open model: single-event POSTs arriving at a constant rate ({@code -Drate}, default 5,000/s) for
 * {@code -Dduration} seconds after a 10 s ramp, each with a fresh eventId, spread over the
 * simulation's customers. Target: p95 < 100 ms and < 0.1 % failures.
 */
public class IngestSingle extends Simulation {

  private final Customers customers = Customers.register(LoadSettings.CUSTOMERS);
  private final double rate = LoadSettings.rate(5_000);

  {
    setUp(scenario("SDK sends single events").feed(customers.feeder()).exec(Requests.ingestSingle("ingest single"))
        .injectOpen(rampUsersPerSec(rate / 10).to(rate).during(10),
            constantUsersPerSec(rate).during(LoadSettings.DURATION_SECONDS)))
        .protocols(Requests.protocol())
        .assertions(global().responseTime().percentile(95.0).lt(100), global().failedRequests().percent().lt(0.1));
  }
}
