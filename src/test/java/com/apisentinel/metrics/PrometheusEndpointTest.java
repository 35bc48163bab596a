package com.apisentinel.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PrometheusEndpointTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");

  /** Parses the text exposition format into "name{labels}" → value, failing on any malformed line. */
  private static Map<String, Double> scrape() {
    var response = RUNNING.server().get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("malformed sample line: " + line).isTrue();
      samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(4)));
    }
    return samples;
  }

  @Test
  void ingestOutcomesWriterAndHttpMetricsArePublished() {
    JsonObject me = RUNNING.server().register();
    String key = me.getJsonObject("apiKey").getString("key");
    String id = Events.freshId();
    RUNNING.server().postJson("/api/v1/analytics/events", key, Events.batch(Events.direct(id), Events.direct(id),
        Events.direct("bad").put("amount", -1), Events.failover(Events.freshId())));

    Map<String, Double> samples = scrape();
    assertThat(samples.get("sentinel_events_ingested_total{outcome=\"accepted\"}")).isEqualTo(2.0);
    assertThat(samples.get("sentinel_events_ingested_total{outcome=\"duplicate\"}")).isEqualTo(1.0);
    assertThat(samples.get("sentinel_events_ingested_total{outcome=\"rejected\"}")).isEqualTo(1.0);
    assertThat(samples).containsKey("sentinel_writer_queue_depth");
    assertThat(samples.get("sentinel_writer_queue_capacity")).isEqualTo(50_000.0); // config/sentinel.conf's default
    // The repeat goes to the writer too: the database tells a duplicate from a conflict.
    assertThat(samples.get("sentinel_writer_batch_size_sum")).isEqualTo(3.0);
    assertThat(samples).containsKey("sentinel_writer_commit_seconds_bucket{le=\"0.1\"}");
    assertThat(samples.keySet()).anySatisfy(name -> assertThat(name)
        .startsWith("vertx_http_server_response_time_seconds_bucket")
        .contains("route=\"/api/v1/analytics/events\"").contains("le=\"0.1\""));
    assertThat(samples.keySet()).anySatisfy(name -> assertThat(name).startsWith("jvm_memory_used_bytes"));
    assertThat(samples.keySet()).anySatisfy(name -> assertThat(name).startsWith("process_cpu_usage"));
  }

  @Test
  void everyHistogramKeepsToTheTwelveBucketsThatAreReadSoAScrapeStaysSmall() {
    String body = RUNNING.server().get("/metrics").body();
    Map<String, Integer> bucketsPerSeries = new HashMap<>();
    for (String line : body.split("\n")) {
      if (!line.startsWith("#") && line.contains("_bucket{")) {
        bucketsPerSeries.merge(line.substring(0, line.indexOf("le=")), 1, Integer::sum);
      }
    }
    assertThat(bucketsPerSeries).isNotEmpty();
    assertThat(bucketsPerSeries.entrySet()).filteredOn(e -> e.getKey().contains("_seconds_bucket"))
        .allSatisfy(series -> assertThat(series.getValue()).as(series.getKey()).isEqualTo(12));
    assertThat(body.length()).as("bytes of a nearly idle scrape").isLessThan(80_000);
  }

  @Test
  void noLabelCarriesACustomerKeyEmailOrRawPath() {
    JsonObject me = RUNNING.server().register();
    String key = me.getJsonObject("apiKey").getString("key");
    String access = me.getString("accessToken");
    RUNNING.server().postJson("/api/v1/analytics/events", key, Events.direct(Events.freshId()).encode());
    for (int i = 0; i < 50; i++) {
      RUNNING.server().get("/probe/" + UUID.randomUUID());
    }
    com.apisentinel.support.TestServer.send(java.net.http.HttpRequest.newBuilder(
            RUNNING.server().uri("/api/v1/keys/" + me.getJsonObject("apiKey").getString("id")))
        .header("Authorization", "Bearer " + access).DELETE().build());

    String body = RUNNING.server().get("/metrics").body();
    assertThat(body).doesNotContain(me.getJsonObject("customer").getString("id"))
        .doesNotContain(me.getJsonObject("customer").getString("email"))
        .doesNotContain(key.substring(0, 12))
        .doesNotContain(me.getJsonObject("apiKey").getString("id"))
        .doesNotContain("/probe/");
    assertThat(body).contains("route=\"/api/v1/keys/:id\"");
  }
}
