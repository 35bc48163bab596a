package com.apisentinel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.IngestLoad;
import com.apisentinel.support.ServerProcess;
import com.apisentinel.support.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the packaged server under load, at a different moment each round, then a restart on
 * the same database: every event acknowledged before the kill must be stored. Three rounds in
 * {@code mvn verify}; {@code load-tests/crash-loop.sh} runs many more ({@code -Dcrash.rounds}).
 */
class CrashRecoveryIT {

  private static final int ROUNDS = Integer.getInteger("crash.rounds", 3);
  private static final int CLIENTS = 16;
  private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
  private TestDatabase database;
  private ServerProcess server;

  @AfterEach
  void cleanUp() {
    if (server != null) {
      server.close();
    }
    database.close();
  }

  @Test
  void everyAcknowledgedEventSurvivesKillNineAndTheServerComesBack() throws Exception {
    database = TestDatabase.create(CrashRecoveryIT.class);
    server = ServerProcess.start(database.url(), Map.of());
    String apiKey = server.registerApiKey();
    database.execute("UPDATE customers SET tier = 'enterprise'"); // load, not a rate-limit test
    Random random = new Random(SEED);
    long acknowledgedInAll = 0;
    int killsWithRequestsInFlight = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      if (round > 1) {
        server = ServerProcess.start(database.url(), Map.of());
      }
      IngestLoad load = IngestLoad.start(server, apiKey, CLIENTS);
      await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged().size() >= 500);
      // The kill lands anywhere in a batch's life: being parsed, queued, inside its commit, being answered.
      TimeUnit.MILLISECONDS.sleep(random.nextInt(2500));
      int inFlight = load.inFlight();
      server.process().destroyForcibly();
      assertThat(server.process().waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
      load.close();

      long stored = IngestLoad.storedAmong(database, load.acknowledged());
      System.out.printf("crash round %d (seed %d): %d requests in flight at kill -9, %d events acknowledged,"
          + " %d of them stored, %d refused with 503%n", round, SEED, inFlight, load.acknowledged().size(), stored,
          load.refusedWith503());
      assertThat(stored).as("acknowledged events stored after kill -9 in round " + round)
          .isEqualTo(load.acknowledged().size());
      assertThat(load.unexpected()).as("answers other than 202 or 503").isZero();
      acknowledgedInAll += stored;
      killsWithRequestsInFlight += inFlight > 0 ? 1 : 0;
    }
    System.out.printf("crash rounds: %d, acknowledged and stored: %d, lost: 0%n", ROUNDS, acknowledgedInAll);
    assertThat(killsWithRequestsInFlight).as("kills that interrupted requests").isPositive();

    server = ServerProcess.start(database.url(), Map.of());
    IngestLoad after = IngestLoad.start(server, apiKey, 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> after.acknowledged().size() >= 100);
    after.close();
  }
}
