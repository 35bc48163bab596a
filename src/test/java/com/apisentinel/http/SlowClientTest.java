package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slowloris: clients that trickle a request a byte at a time, each byte restarting the idle
 * timeout, are cut off at the read timeout (1 s here), while clients that keep a connection busy
 * with complete requests keep it as long as they like.
 */
class SlowClientTest {

  private static final int READ_TIMEOUT_MS = 1000;
  /** Bytes trickled this far apart would take far longer than the read timeout to form a request. */
  private static final long TRICKLE_MS = 200;

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer(Map.of(
      "sentinel.http.requestReadTimeoutMs", READ_TIMEOUT_MS));

  private static final ExecutorService TRICKLERS = Executors.newCachedThreadPool();

  @AfterAll
  static void stopTricklers() {
    TRICKLERS.shutdownNow();
  }

  @Test
  void aTrickledHeadIsCutOffAtTheReadTimeout() throws IOException {
    try (Socket socket = connect()) {
      trickle(socket, "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "s".repeat(100) + "\r\n\r\n");
      long start = System.nanoTime();
      // Without the guard the trickle keeps the connection open for 25 s and this read times out.
      assertThat(readUntilClosed(socket.getInputStream())).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    }
    assertThat(RUNNING.server().get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void aTrickledBodyIsA408AndNothingIsStored() throws IOException {
    String apiKey = RUNNING.server().registerApiKey();
    String eventId = Events.freshId();
    String body = Events.direct(eventId).encode();
    try (Socket socket = connect()) {
      socket.getOutputStream().write(("POST /api/v1/analytics/events HTTP/1.1\r\nHost: localhost\r\n"
          + "Authorization: Bearer " + apiKey + "\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      trickle(socket, body);
      String answer = readUntilClosed(socket.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 408").contains("application/problem+json")
          .contains("request-timeout").containsIgnoringCase("connection: close");
    }
    assertThat(RUNNING.database().queryLong("SELECT count(*) FROM events WHERE event_id = '" + eventId + "'"))
        .isZero();
  }

  @Test
  void aConnectionKeptBusyWithWholeRequestsOutlivesTheReadTimeout() throws IOException, InterruptedException {
    String apiKey = RUNNING.server().registerApiKey();
    try (Socket socket = connect()) {
      for (int i = 0; i < 8; i++) { // 8 × 400 ms: three times the read timeout on one connection
        String body = Events.direct(Events.freshId()).encode();
        socket.getOutputStream().write(("POST /api/v1/analytics/events HTTP/1.1\r\nHost: localhost\r\n"
            + "Authorization: Bearer " + apiKey + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        assertThat(readHead(socket.getInputStream())).as("request %d", i).startsWith("HTTP/1.1 202");
        Thread.sleep(400);
      }
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", RUNNING.server().port());
    socket.setSoTimeout(25_000);
    return socket;
  }

  /** Writes one byte every {@link #TRICKLE_MS} from another thread until done or the server hangs up. */
  private static void trickle(Socket socket, String text) {
    TRICKLERS.execute(() -> {
      try {
        OutputStream out = socket.getOutputStream();
        for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
          out.write(b);
          out.flush();
          Thread.sleep(TRICKLE_MS);
        }
      } catch (IOException | InterruptedException e) {
        // the server closed the connection: what the tests wait for
      }
    });
  }

  private static String readUntilClosed(InputStream in) {
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    assertThatCode(() -> {
      try {
        in.transferTo(read);
      } catch (SocketException reset) {
        // a reset after the answer is a close too
      }
    }).doesNotThrowAnyException();
    return read.toString(StandardCharsets.UTF_8);
  }

  /** The status line and headers of one answer, and its Content-Length body skipped. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head);
      }
      head.append((char) b);
    }
    String lower = head.toString().toLowerCase();
    int at = lower.indexOf("content-length:");
    int length = at < 0 ? 0 : Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
    in.readNBytes(length);
    return head.toString();
  }
}
