package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.LoopbackClient;
import com.apisentinel.support.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Oversized bodies over raw sockets, to see exactly when the server answers and hangs up. */
class BodyLimitTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private static String apiKey;

  @BeforeAll
  static void start() {
    apiKey = RUNNING.server().registerApiKey();
  }

  private String headers(String extra) {
    return "POST /api/v1/analytics/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + apiKey
        + "\r\nContent-Type: application/json\r\n" + extra + "\r\n";
  }

  @Test
  void declaredOversizeIsRefusedBeforeTheBodyIsSent() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", RUNNING.server().port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(headers("Content-Length: 5000000\r\n").getBytes(StandardCharsets.US_ASCII));
      String response = LoopbackClient.readUntilClosed(socket.getInputStream());
      assertThat(response).startsWith("HTTP/1.1 413").contains("payload-too-large").contains("connection: close");
    }
  }

  /**
   * The client keeps sending after the limit; the server must answer 413 and hang up, so the
   * client's writes fail long before 64 MiB (kernel socket buffers absorb only a few MiB).
   * The answer is read on another thread while writing, before the connection reset can discard it.
   */
  @Test
  void chunkedBodyIsCutOffAtTheLimitAndTheConnectionClosed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", RUNNING.server().port())) {
      socket.setSoTimeout(10_000);
      CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
        try {
          return LoopbackClient.readUntilClosed(socket.getInputStream());
        } catch (IOException e) {
          return "read failed: " + e;
        }
      });
      OutputStream out = socket.getOutputStream();
      out.write(headers("Transfer-Encoding: chunked\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = ("{\"pad\":\"" + "x".repeat(64 * 1024) + "\"}").getBytes(StandardCharsets.US_ASCII);
      long sent = 0;
      boolean cutOff = false;
      try {
        while (sent < 64L << 20) {
          out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          sent += chunk.length;
        }
      } catch (SocketException expected) {
        cutOff = true;
      }
      assertThat(answer.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 413");
      assertThat(cutOff).as("server hung up after " + sent + " bytes").isTrue();
    }
  }

  @Test
  void gzipBombStopsAtTheDecompressedLimit() throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
      gz.write("{\"events\":[".getBytes(StandardCharsets.US_ASCII));
      byte[] spaces = new byte[1 << 20];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 64; i++) {
        gz.write(spaces);
      }
    }
    byte[] bomb = compressed.toByteArray();
    assertThat(bomb.length).isLessThan(1 << 20);
    try (Socket socket = new Socket("127.0.0.1", RUNNING.server().port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(headers("Content-Encoding: gzip\r\nContent-Length: " + bomb.length + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      try {
        out.write(bomb);
      } catch (SocketException expected) {
        // closed early
      }
      assertThat(LoopbackClient.readUntilClosed(socket.getInputStream())).startsWith("HTTP/1.1 413");
    }
    assertThat(RUNNING.server().get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void bodyJustUnderTheLimitIsRead() {
    String padding = "x".repeat(4000);
    StringBuilder batch = new StringBuilder("{\"events\":[");
    for (int i = 0; i < 240; i++) {
      batch.append(i == 0 ? "" : ",").append(Events.direct(Events.freshId()).put("pad", padding).encode());
    }
    batch.append("]}");
    assertThat(batch.length()).isBetween(900_000, 1 << 20);
    // Every event carries an unknown field, so all are rejected: proof the body was read and parsed.
    assertThat(RUNNING.server().postJson("/api/v1/analytics/events", apiKey, batch.toString()).statusCode()).isEqualTo(422);
  }
}
