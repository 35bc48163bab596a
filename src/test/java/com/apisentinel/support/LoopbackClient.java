package com.apisentinel.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 request from a chosen loopback address (127.0.0.x): how a test plays clients at
 * different addresses, which the JDK's HTTP client of Java 17 cannot bind to.
 */
public final class LoopbackClient {

  private LoopbackClient() {
  }

  /** POSTs a JSON body from {@code fromAddress} and returns the answer's status. */
  public static int postJson(String fromAddress, int port, String path, String json) {
    return send(fromAddress, port, "POST " + path, "Content-Type: application/json\r\n", json);
  }

  /** GETs {@code path} with a bearer credential from {@code fromAddress} and returns the answer's status. */
  public static int get(String fromAddress, int port, String path, String bearer) {
    return send(fromAddress, port, "GET " + path, "Authorization: Bearer " + bearer + "\r\n", "");
  }

  /** Any request line ({@code "FOO /health"}) and raw header lines; returns the whole answer's head. */
  public static String exchange(String fromAddress, int port, String requestLine, String headers) {
    return head(fromAddress, port, requestLine, headers, "");
  }

  /**
   * Everything the server sends until it closes the connection (a reset after the answer counts as
   * closed), with the status line's case normalized and the rest lower-cased for easy matching.
   */
  public static String readUntilClosed(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        received.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      // what was read before a reset still counts
    }
    return received.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).replaceFirst("^http/1.1", "HTTP/1.1");
  }

  private static int send(String fromAddress, int port, String requestLine, String headers, String body) {
    return Integer.parseInt(head(fromAddress, port, requestLine, headers, body).substring(9, 12));
  }

  private static String head(String fromAddress, int port, String requestLine, String headers, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write((requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Content-Length: " + bytes.length
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // Connection: close ends it
      int end = answer.indexOf("\r\n\r\n");
      return end < 0 ? answer : answer.substring(0, end);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
