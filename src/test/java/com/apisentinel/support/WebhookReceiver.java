package com.apisentinel.support;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver for tests, on the JDK's own HTTP server (nothing of the server's code): it
 * records every request and answers with the next scripted status, 200 when none is left.
 */
public final class WebhookReceiver implements AutoCloseable {

  public record Received(Map<String, List<String>> headers, String body, long atMillis) {
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  public final List<Received> received = new CopyOnWriteArrayList<>();
  public final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
  /** How long each answer waits, as a slow receiver's would. */
  public volatile long delayMillis;
  /** Bytes of body in each answer. */
  public volatile int answerBytes;
  /** Sent as Location with the answer (a redirect status must be scripted too). */
  public volatile String location;
  private final HttpServer server;

  public WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // Requests are answered in parallel, so a slow answer holds only its own request.
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8),
          System.currentTimeMillis()));
      Integer status = statuses.poll();
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (location != null) {
        exchange.getResponseHeaders().add("Location", location);
      }
      try {
        exchange.sendResponseHeaders(status == null ? 200 : status, answerBytes == 0 ? -1 : answerBytes);
        if (answerBytes > 0) {
          exchange.getResponseBody().write(new byte[answerBytes]);
        }
      } catch (IOException e) {
        // the sender hung up: a slow or oversized answer it no longer wanted
      }
      exchange.close();
    });
    server.start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The requests whose message is of this type. */
  public List<Received> ofType(String type) {
    return received.stream().filter(r -> new JsonObject(r.body()).getString("type").equals(type)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
