package com.apisentinel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.IngestLoad;
import com.apisentinel.support.ServerProcess;
import com.apisentinel.support.TestDatabase;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged jar as a real process, stopped with SIGTERM while many clients are sending. */
class ShutdownDrainIT {

  private static final int CLIENTS = 16;
  private TestDatabase database;
  private ServerProcess server;

  @BeforeEach
  void startServer() throws IOException {
    database = TestDatabase.create(ShutdownDrainIT.class);
    server = ServerProcess.start(database.url(), Map.of());
  }

  @AfterEach
  void cleanUp() {
    server.close();
    database.close();
  }

  @Test
  void sigtermUnderLoadDrainsWithinTenSecondsAndLosesNoAcknowledgedEvent() throws Exception {
    String apiKey = server.registerApiKey();
    database.execute("UPDATE customers SET tier = 'enterprise'"); // load, not a rate-limit test
    IngestLoad load = IngestLoad.start(server, apiKey, CLIENTS);
    await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged().size() >= 2000);
    int ackedBeforeStop = load.acknowledged().size();
    long stopStart = System.nanoTime();
    server.process().destroy();
    boolean exited = server.process().waitFor(10, TimeUnit.SECONDS);
    long stopMs = (System.nanoTime() - stopStart) / 1_000_000;
    load.close();

    assertThat(exited).as("exited within 10 s (took " + stopMs + " ms)").isTrue();
    System.out.printf("SIGTERM drain: %d events acknowledged (%d before SIGTERM), %d requests refused with 503,"
        + " exit after %d ms%n", load.acknowledged().size(), ackedBeforeStop, load.refusedWith503(), stopMs);
    assertThat(load.hung()).as("requests that timed out").isZero();
    assertThat(load.unexpected()).as("answers other than 202 or 503").isZero();
    assertThat(IngestLoad.storedAmong(database, load.acknowledged())).isEqualTo(load.acknowledged().size());
  }
}
