package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.LoopbackClient;
import com.apisentinel.support.RunningServer;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an unauthenticated client chooses (method, path) never becomes new metric series: made-up
 * methods share one label value, unknown paths share the empty route. A method a path does not
 * serve is a 405 that says which ones it does.
 */
class BoundedStateTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  @Test
  void madeUpMethodsAndPathsAddNoMetricSeries() {
    int port = RUNNING.server().port();
    for (int i = 0; i < 40; i++) {
      LoopbackClient.exchange("127.0.0.1", port, "M" + i + "X /health", "");
      LoopbackClient.exchange("127.0.0.1", port, "GET /no/such/path/" + i, "");
      LoopbackClient.exchange("127.0.0.1", port, "BREW" + i + " /no/such/path/" + i, "");
    }
    String scrape = RUNNING.server().get("/metrics").body();
    Set<String> methods = labelValues(scrape, "method");
    Set<String> routes = labelValues(scrape, "route");
    assertThat(methods).contains("OTHER").allMatch(m -> Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
        "OPTIONS", "TRACE", "PATCH", "OTHER").contains(m));
    assertThat(routes).noneMatch(route -> route.startsWith("/no/such"));
    assertThat(routes.size()).isLessThan(40);
  }

  @Test
  void aMethodThePathDoesNotServeIsA405WithAllow() {
    String head = LoopbackClient.exchange("127.0.0.1", RUNNING.server().port(), "DELETE /health", "");
    assertThat(head).startsWith("HTTP/1.1 405").containsIgnoringCase("allow: GET");
    String custom = LoopbackClient.exchange("127.0.0.1", RUNNING.server().port(), "FOO /api/v1/keys", "");
    assertThat(custom).startsWith("HTTP/1.1 405").containsIgnoringCase("allow: GET, POST")
        .containsIgnoringCase("content-type: application/problem+json");
  }

  private static Set<String> labelValues(String scrape, String label) {
    Set<String> values = new TreeSet<>();
    Matcher matcher = Pattern.compile("[{,]" + label + "=\"([^\"]*)\"").matcher(scrape);
    while (matcher.find()) {
      values.add(matcher.group(1));
    }
    return values;
  }
}
