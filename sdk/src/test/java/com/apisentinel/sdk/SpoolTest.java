package com.apisentinel.sdk;

import static com.apisentinel.sdk.ReportingTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.apisentinel.sdk.support.FakeSentinel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool: what a closed or crashed client leaves is sent by the next one on the same directory. */
class SpoolTest {

  @TempDir
  Path dir;

  private SentinelClient.Builder client(URI endpoint) {
    return SentinelClient.builder().apiKey("sk_live_test").endpoint(endpoint).spoolDirectory(dir)
        .remoteConfig(false, Duration.ofMinutes(1)).closeTimeout(Duration.ofMillis(300))
        .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100));
  }

  private static List<String> ids(int n) {
    return IntStream.range(0, n).mapToObj(i -> "sp-" + i).collect(Collectors.toList());
  }

  @Test
  void eventsUnsentAtCloseAreSentByTheNextClientOnTheDirectory() throws Exception {
    SentinelClient first = client(ReportingTest.unreachable()).build();
    ids(300).forEach(id -> assertThat(first.track(event(id))).isTrue());
    first.close();
    assertThat(first.stats().dropped()).as("kept on disk, not dropped").isZero();
    assertThat(spoolFiles()).isNotEmpty();

    try (FakeSentinel server = new FakeSentinel(); SentinelClient second = client(server.uri()).build()) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> second.stats().restored() == 300);
      second.flush().get(10, TimeUnit.SECONDS);
      assertThat(server.stored()).containsExactlyInAnyOrderElementsOf(ids(300));
      assertThat(second.stats().accepted()).isEqualTo(300);
    }
    assertThat(spoolFiles()).as("settled segments are deleted").isEmpty();
  }

  @Test
  void acknowledgedEventsLeaveTheSpool() throws Exception {
    try (FakeSentinel server = new FakeSentinel(); SentinelClient client = client(server.uri()).build()) {
      ids(50).forEach(id -> client.track(event(id)));
      client.flush().get(10, TimeUnit.SECONDS);
      assertThat(spoolFiles()).allSatisfy(file -> assertThat(Files.size(file)).isZero());
    }
  }

  @Test
  void aTornLastRecordIsSkippedAndTheRestIsSent() throws Exception {
    SentinelClient first = client(ReportingTest.unreachable()).build();
    ids(10).forEach(id -> first.track(event(id)));
    first.close();
    Path segment = spoolFiles().get(0);
    Files.write(segment, new byte[] {0, 0, 1, 0, 42, 42}, StandardOpenOption.APPEND); // a crash mid-write

    try (FakeSentinel server = new FakeSentinel(); SentinelClient second = client(server.uri()).build()) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> second.stats().restored() == 10);
      second.flush().get(10, TimeUnit.SECONDS);
      assertThat(server.stored()).containsExactlyInAnyOrderElementsOf(ids(10));
    }
  }

  @Test
  void aBacklogIsRestoredWhileAppThreadsTrackWithoutDeadlockOrStarvingThem() throws Exception {
    SentinelClient first = client(ReportingTest.unreachable()).maxQueue(20_000, 64L << 20).build();
    ids(15_000).forEach(id -> first.track(event(id)));
    first.close();

    try (FakeSentinel server = new FakeSentinel(); SentinelClient second = client(server.uri())
        .maxQueue(20_000, 64L << 20).build()) {
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        Thread[] apps = new Thread[4];
        for (int t = 0; t < apps.length; t++) {
          int thread = t;
          apps[t] = new Thread(() -> {
            for (int i = 0; i < 2_000; i++) {
              assertThat(second.track(event("new-" + thread + "-" + i))).isTrue();
            }
          });
          apps[t].start();
        }
        for (Thread app : apps) {
          app.join();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> server.stored().size() == 23_000);
      });
      assertThat(second.stats().restored()).isEqualTo(15_000);
      assertThat(second.stats().dropped()).isZero();
    }
  }

  @Test
  void aCorruptRecordEndsItsSegment() {
    ByteBuffer records = ByteBuffer.allocate(64);
    records.putInt(3).putInt(12345).put(new byte[] {1, 2, 3}).flip();
    assertThat(Spool.nextRecord(records)).isNull();
  }

  @Test
  void twoClientsCannotShareADirectory() {
    try (SentinelClient first = client(ReportingTest.unreachable()).build()) {
      assertThatThrownBy(() -> client(ReportingTest.unreachable()).build())
          .isInstanceOf(UncheckedIOException.class).hasMessageContaining("in use");
    }
  }

  private List<Path> spoolFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.toString().endsWith(".spool")).sorted().collect(Collectors.toList());
    }
  }
}
