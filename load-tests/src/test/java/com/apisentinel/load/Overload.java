package com.apisentinel.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Past capacity and back: single-event arrivals ramp from {@code -Drate} (default 2,000/s) to
 * {@code -DmaxRate} (default 60,000/s) over {@code -Dduration} seconds. Overloaded, the server must
 * answer fast — 202, or 503 (queue full, too slow) / 429 — and never leave a request hanging
 * (timeouts are failures). Then the rate drops back to {@code rate} for 20 s, and that traffic must
 * be served normally again (p95 < 100 ms, all 202).
 */
public class Overload extends Simulation {

  private static final int RECOVERY_SECONDS = 20;

  private final Customers customers = Customers.register(LoadSettings.CUSTOMERS);
  private final double rate = LoadSettings.rate(2_000);
  private final double maxRate = LoadSettings.maxRate(60_000);

  {
    setUp(
        scenario("ramp past capacity").feed(customers.feeder())
            .exec(http("ingest while overloaded").post(Requests.EVENTS).header("Authorization", "Bearer #{apiKey}")
                .body(StringBody(session -> Requests.event())).requestTimeout(Duration.ofSeconds(5))
                .check(status().in(202, 429, 503)))
            .injectOpen(rampUsersPerSec(rate).to(maxRate).during(LoadSettings.DURATION_SECONDS)),
        scenario("after the overload").feed(customers.feeder())
            .exec(Requests.ingestSingle("ingest after overload").requestTimeout(Duration.ofSeconds(5)))
            .injectOpen(nothingFor(LoadSettings.DURATION_SECONDS + 5),
                constantUsersPerSec(rate).during(RECOVERY_SECONDS)))
        .protocols(Requests.protocol())
        .assertions(
            global().failedRequests().percent().lt(0.1),
            details("ingest while overloaded").responseTime().max().lt(5_000),
            details("ingest after overload").responseTime().percentile(95.0).lt(100),
            details("ingest after overload").failedRequests().percent().lt(0.1));
  }
}
