package com.apisentinel.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * Open model: 100-event batches at {@code -Drate} requests/s (default 500, i.e. 50,000 events/s),
 * half of them gzip-compressed, for {@code -Dduration} seconds. Target: p95 < 100 ms, < 0.1 % failures.
 */
public class IngestBatch extends Simulation {

  private final Customers customers = Customers.register(LoadSettings.CUSTOMERS);
  private final double rate = LoadSettings.rate(500);

  {
    setUp(
        scenario("SDK sends batches").feed(customers.feeder()).exec(Requests.ingestBatch(100, false))
            .injectOpen(constantUsersPerSec(rate / 2).during(LoadSettings.DURATION_SECONDS)),
        scenario("SDK sends gzip batches").feed(customers.feeder()).exec(Requests.ingestBatch(100, true))
            .injectOpen(constantUsersPerSec(rate / 2).during(LoadSettings.DURATION_SECONDS)))
        .protocols(Requests.protocol())
        .assertions(global().responseTime().percentile(95.0).lt(100), global().failedRequests().percent().lt(0.1));
  }
}
