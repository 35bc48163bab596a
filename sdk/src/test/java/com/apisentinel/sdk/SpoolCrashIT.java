package com.apisentinel.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.apisentinel.sdk.support.RunningSentinel;
import com.apisentinel.sdk.support.SentinelServer;
import com.apisentinel.sdk.support.SpoolingApp;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool survives the app's own crash: an app that tracked events while the server was down is
 * killed with SIGKILL; started again on the same spool directory, it delivers every one of them.
 */
class SpoolCrashIT {

  private static final int EVENTS = 20_000;
  @RegisterExtension
  static final RunningSentinel SENTINEL = new RunningSentinel();

  @TempDir
  Path spool;


  @Test
  void eventsTrackedBeforeTheAppWasKilledAreDeliveredAfterItsRestart() throws Exception {
    SentinelServer.Customer customer = SENTINEL.server().register();
    SENTINEL.server().setTier(customer, "enterprise");
    SENTINEL.server().kill(); // nothing can be delivered: every event lives only in the app's memory and spool

    Path output = Files.createTempFile("spooling-app", ".log");
    Process app = app(customer, output, "track", Integer.toString(EVENTS));
    await().atMost(Duration.ofMinutes(1)).until(() -> Files.readString(output).contains("TRACKED " + EVENTS));
    app.destroyForcibly().waitFor();
    assertThat(app.exitValue()).as("killed, not exited").isNotZero();

    SENTINEL.server().restart();
    Process drain = app(customer, output, "drain");
    assertThat(drain.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(drain.exitValue()).as(Files.readString(output)).isZero();
    assertThat(SENTINEL.countEvents(customer, "event_id LIKE 'spooled-%'")).isEqualTo(EVENTS);
    try (var files = Files.list(spool)) {
      assertThat(files.filter(f -> f.toString().endsWith(".spool")).map(SpoolCrashIT::size)).allMatch(s -> s == 0);
    }
  }

  private Process app(SentinelServer.Customer customer, Path output, String... command) throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    String[] base = {java, "-cp", System.getProperty("java.class.path"), SpoolingApp.class.getName(),
        SENTINEL.server().uri().toString(), customer.apiKey(), spool.toString()};
    String[] args = new String[base.length + command.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(command, 0, args, base.length, command.length);
    return new ProcessBuilder(args).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
