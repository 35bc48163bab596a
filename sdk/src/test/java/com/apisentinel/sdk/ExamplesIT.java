package com.apisentinel.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.sdk.support.FakeGateway;
import com.apisentinel.sdk.support.RunningSentinel;
import com.apisentinel.sdk.support.SentinelServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A merchant's programs, compiled for Java 11 against the packaged SDK jar alone (no Jackson, nothing
 * else: what an app that depends on the SDK sees) and run against the packaged server: the API
 * reference's snippet as written, and the checkout simulator of the README's quick start.
 */
class ExamplesIT {

  @RegisterExtension
  static final RunningSentinel SENTINEL = new RunningSentinel();

  @TempDir
  Path classes;


  @Test
  void theReferenceSnippetCompilesAgainstTheJarAloneAndWorks() throws Exception {
    SentinelServer.Customer customer = SENTINEL.server().register();
    try (FakeGateway stripe = new FakeGateway("stripe"); FakeGateway paypal = new FakeGateway("paypal")) {
      stripe.fault(FakeGateway.Fault.UNAVAILABLE);
      String output = run("QuickStart", customer.apiKey(), SENTINEL.server().uri().toString(), stripe.uri().toString(),
          paypal.uri().toString());

      assertThat(output).contains("queued=true payment: success=true via paypal failover=true")
          .contains("tracked=2 accepted=2 duplicates=0 rejected=0 dropped=0 retries=0");
    }
    assertThat(SENTINEL.countEvents(customer, "failover_used")).isEqualTo(2);
  }

  @Test
  void theCheckoutSimulatorRecoversPaymentsAndTheServerCountsThem() throws Exception {
    SentinelServer.Customer customer = SENTINEL.server().register();
    String output = run("CheckoutSimulator", "--api-key", customer.apiKey(),
        "--endpoint", SENTINEL.server().uri().toString(),
        "--payments", "200", "--primary-failure-rate", "0.3", "--latency-ms", "5");

    assertThat(output).containsPattern("recovered by failover: +[1-9][0-9]*")
        .contains("reported to API Sentinel:   200 accepted, 0 duplicates, 0 rejected, 0 dropped");
    assertThat(SENTINEL.countEvents(customer, "true"))
        .isEqualTo(200);
  }

  /** Compiles {@code sdk/examples/<name>.java} against the SDK jar only, runs it, returns its output. */
  private String run(String name, String... args) throws IOException, InterruptedException {
    String jar = System.getProperty("sdk.jar");
    Path source = Path.of(System.getProperty("sdk.examples"), name + ".java");
    int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "11", "-Xlint:all",
        "-Werror", "-cp", jar, "-d", classes.toString(), source.toString());
    assertThat(compiled).as("javac " + source).isZero();

    List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin"
        + File.separator + "java", "-cp", jar + File.pathSeparator + classes, name));
    command.addAll(List.of(args));
    Path output = Files.createTempFile(name, ".out");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as(name + " finished").isTrue();
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(printed).isZero();
    return printed;
  }
}
