package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.LoopbackClient;
import com.apisentinel.support.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bodies and their encodings over raw sockets: what is refused is answered (and read by the client),
 * never a dropped connection; the refusal says which rule the body broke.
 */
class BodyEncodingTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();
  private static String apiKey;

  @BeforeAll
  static void register() {
    apiKey = RUNNING.server().registerApiKey();
  }

  /** Writes the request whole, then reads the answer: the order a naive client uses. */
  private static String exchange(String headers, byte[] body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", RUNNING.server().port())) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/analytics/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers
          + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      return LoopbackClient.readUntilClosed(socket.getInputStream());
    }
  }

  private static String jsonHeaders(String extra, int length) {
    return "Authorization: Bearer " + apiKey + "\r\nContent-Type: application/json\r\n" + extra
        + "Content-Length: " + length + "\r\n";
  }

  @Test
  void aClientThatWritesAnOversizedBodyWholeBeforeReadingGetsThe413() throws IOException {
    byte[] body = new byte[6 << 20]; // more than loopback socket buffers absorb, less than the lingering reads
    Arrays.fill(body, (byte) ' ');
    String answer = exchange("Authorization: Bearer " + apiKey + "\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n", chunked(body));
    assertThat(answer).startsWith("HTTP/1.1 413").contains("payload-too-large");
  }

  @Test
  void aBadCredentialWithALargeBodyIsA401TheClientCanRead() throws IOException {
    byte[] body = new byte[900_000];
    Arrays.fill(body, (byte) ' ');
    String answer = exchange("Authorization: Bearer sk_live_made-up\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n", body);
    assertThat(answer).startsWith("HTTP/1.1 401");
  }

  @Test
  void aBrokenGzipStreamIsA400() throws IOException {
    byte[] gzip = gzip(Events.batch(Events.direct(Events.freshId())).getBytes(StandardCharsets.UTF_8));
    byte[] broken = Arrays.copyOf(gzip, gzip.length - 12); // truncated: no trailer, part of the data gone
    assertThat(exchange(jsonHeaders("Content-Encoding: gzip\r\n", broken.length), broken)).startsWith("HTTP/1.1 400")
        .contains("gzip");
    byte[] notGzip = "definitely not gzip".getBytes(StandardCharsets.US_ASCII);
    assertThat(exchange(jsonHeaders("Content-Encoding: gzip\r\n", notGzip.length), notGzip))
        .startsWith("HTTP/1.1 400");
  }

  @Test
  void encodingsOtherThanGzipAreA415() throws IOException {
    byte[] body = Events.direct(Events.freshId()).encode().getBytes(StandardCharsets.UTF_8);
    for (String encoding : new String[] {"deflate", "br", "zstd", "gzip, gzip"}) {
      assertThat(exchange(jsonHeaders("Content-Encoding: " + encoding + "\r\n", body.length), body))
          .as(encoding).startsWith("HTTP/1.1 415");
    }
    String id = Events.freshId();
    byte[] gzip = gzip(Events.direct(id).encode().getBytes(StandardCharsets.UTF_8));
    assertThat(exchange(jsonHeaders("Content-Encoding: gzip\r\n", gzip.length), gzip)).startsWith("HTTP/1.1 202");
  }

  @Test
  void invalidUtf8IsA400AndAnotherCharsetA415() throws IOException {
    String json = Events.direct(Events.freshId()).put("metadata", new io.vertx.core.json.JsonObject().put("k", "__"))
        .encode();
    byte[] overlong = json.replace("__", "\u0000\u0000").getBytes(StandardCharsets.ISO_8859_1);
    int at = json.indexOf("__");
    overlong[at] = (byte) 0xC0; // C0 AF: an overlong '/'
    overlong[at + 1] = (byte) 0xAF;
    assertThat(exchange(jsonHeaders("", overlong.length), overlong)).startsWith("HTTP/1.1 400").contains("utf-8");
    byte[] surrogate = json.replace("__", "\u0000\u0000\u0000").getBytes(StandardCharsets.ISO_8859_1);
    surrogate[at] = (byte) 0xED;
    surrogate[at + 1] = (byte) 0xA0;
    surrogate[at + 2] = (byte) 0x80;
    assertThat(exchange(jsonHeaders("", surrogate.length), surrogate)).startsWith("HTTP/1.1 400");
    byte[] latin1 = Events.direct(Events.freshId()).encode().getBytes(StandardCharsets.ISO_8859_1);
    assertThat(exchange("Authorization: Bearer " + apiKey + "\r\nContent-Type: application/json; charset=iso-8859-1\r\n"
        + "Content-Length: " + latin1.length + "\r\n", latin1)).startsWith("HTTP/1.1 415");
  }

  @Test
  void aTransferEncodingOtherThanChunkedIsA400() throws IOException {
    byte[] body = chunked(Events.direct(Events.freshId()).encode().getBytes(StandardCharsets.UTF_8));
    for (String coding : new String[] {"gzip, chunked", "chunked, chunked", "identity"}) {
      assertThat(exchange("Authorization: Bearer " + apiKey + "\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: " + coding + "\r\n", body)).as(coding).startsWith("HTTP/1.1 400");
    }
    assertThat(exchange("Authorization: Bearer " + apiKey + "\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", body)).as("two lines").startsWith("HTTP/1.1 400");
    assertThat(exchange("Authorization: Bearer " + apiKey + "\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n", body)).startsWith("HTTP/1.1 202");
  }

  private static byte[] chunked(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int offset = 0; offset < body.length; offset += 65536) {
      int length = Math.min(65536, body.length - offset);
      out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, offset, length);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
      gz.write(plain);
    }
    return compressed.toByteArray();
  }
}
