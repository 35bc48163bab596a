package com.apisentinel.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * A short run of every request kind at low rates, for CI (load-tests/smoke.sh): the simulations,
 * the feeder and the server's answers work end to end. Not a benchmark: the server and Gatling
 * start cold on the same two cores, so the first {@value #WARM_UP_SECONDS} s are a warm-up whose
 * latencies are not asserted; then single-event ingest must hold p95 < 100 ms, and nothing may fail.
 */
public class Smoke extends Simulation {

  private static final int WARM_UP_SECONDS = 15;
  private static final int SECONDS = 10;

  private final Customers customers = Customers.register(5);

  {
    setUp(
        scenario("smoke: warm-up").feed(customers.feeder()).exec(Requests.ingestSingle("warm-up"))
            .injectOpen(rampUsersPerSec(10).to(100).during(WARM_UP_SECONDS)),
        scenario("smoke: single events").feed(customers.feeder()).exec(Requests.ingestSingle("ingest single"))
            .injectOpen(nothingFor(WARM_UP_SECONDS), constantUsersPerSec(100).during(SECONDS)),
        scenario("smoke: batches").feed(customers.feeder())
            .exec(Requests.ingestBatch(100, false), Requests.ingestBatch(100, true))
            .injectOpen(nothingFor(WARM_UP_SECONDS), constantUsersPerSec(5).during(SECONDS)),
        scenario("smoke: dashboard").feed(customers.feeder())
            .exec(Requests.overview(), Requests.eventsPage(), Requests.live())
            .injectOpen(nothingFor(WARM_UP_SECONDS), constantUsersPerSec(5).during(SECONDS)),
        // Logins cost an argon2 hash each (CPU-heavy by design): checked, but during the warm-up.
        scenario("smoke: login").feed(customers.feeder()).exec(Requests.login())
            .injectOpen(nothingFor(5), constantUsersPerSec(1).during(3)))
        .protocols(Requests.protocol())
        .assertions(details("ingest single").responseTime().percentile(95.0).lt(100),
            global().failedRequests().count().is(0L));
  }
}
