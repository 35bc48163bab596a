package com.apisentinel.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * What production looks like: SDKs sending (90 % of requests: single events, some batches of 10),
 * dashboards reading (overview, a page of events, live windows) and a few logins, at
 * {@code -Drate} requests/s (default 2,000) for {@code -Dduration} seconds.
 * Target: p95 < 100 ms and < 0.1 % failures over all of it.
 */
public class Mixed extends Simulation {

  private final Customers customers = Customers.register(LoadSettings.CUSTOMERS);
  private final double rate = LoadSettings.rate(2_000);

  {
    setUp(scenario("SDKs and dashboards").feed(customers.feeder()).exec(randomSwitch().on(
            percent(85.0).then(Requests.ingestSingle("ingest single")),
            percent(5.0).then(Requests.ingestBatch(10, false)),
            percent(4.0).then(Requests.eventsPage()),
            percent(3.0).then(Requests.overview()),
            percent(2.9).then(Requests.live()),
            percent(0.1).then(Requests.login())))
        .injectOpen(constantUsersPerSec(rate).during(LoadSettings.DURATION_SECONDS)))
        .protocols(Requests.protocol())
        .assertions(global().responseTime().percentile(95.0).lt(100), global().failedRequests().percent().lt(0.1));
  }
}
