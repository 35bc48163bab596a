package com.apisentinel.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator alerts of docker/prometheus/alerts.yml, checked and unit-tested by Prometheus' own
 * promtool (Debian's prometheus package; .ci/run installs it), and each with a runbook entry.
 */
class OperatorAlertRulesTest {

  private static final Path RULES = Path.of("docker/prometheus");

  private static String promtool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("promtool"));
    command.addAll(List.of(arguments));
    Process process;
    try {
      process = new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("the operator alert tests need promtool: apt-get install prometheus", e);
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  @Test
  void theRulesAreValidAndEveryAlertFiresOnItsTestSeries() throws Exception {
    assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS: 7 rules found");
    assertThat(promtool("test", "rules", "alerts.test.yml")).contains("SUCCESS");
  }

  @Test
  void everyAlertIsUnitTestedAndHasARunbookEntry() throws IOException {
    String rules = Files.readString(RULES.resolve("alerts.yml"));
    String tests = Files.readString(RULES.resolve("alerts.test.yml"));
    String runbook = Files.readString(Path.of("docs/operations.md"));
    Matcher alert = Pattern.compile("- alert: (\\w+)").matcher(rules);
    int alerts = 0;
    while (alert.find()) {
      alerts++;
      String name = alert.group(1);
      assertThat(tests).as(name + " has a test").contains("alertname: " + name);
      assertThat(runbook).as(name + " has a runbook entry").contains("### " + name);
      assertThat(rules).contains("docs/operations.md#" + name.toLowerCase(java.util.Locale.ROOT));
    }
    assertThat(alerts).isEqualTo(7);
  }
}
