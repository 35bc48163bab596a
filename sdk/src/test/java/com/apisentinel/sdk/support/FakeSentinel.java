package com.apisentinel.sdk.support;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for the server's ingest endpoint, for the sender's fault cases that a real server
 * cannot be made to produce on demand (a 413 for a batch of a given size, a 500 for the first n
 * requests, a stall). It decodes what the SDK sends, records it, and answers like the server does:
 * the same receipt and problem formats. The SDK's tests against the real server are the *IT classes.
 */
public final class FakeSentinel implements AutoCloseable {

  /** One request as received. */
  public record Received(long atNanos, String requestId, String encoding, List<String> eventIds) {
  }

  /** An answer chosen per request; null means the normal 202 with receipts. */
  public interface Script {
    Answer answer(int requestNumber, List<String> eventIds);
  }

  /** A status, headers and body to send instead of the receipts; a stall holds the body back after the head. */
  public record Answer(int status, Map<String, String> headers, String body, long stallMillis) {
    public Answer(int status, Map<String, String> headers, String body) {
      this(status, headers, body, 0);
    }

    public static Answer stalledBody(long millis) {
      return new Answer(202, Map.of(), "{\"accepted\":0}", millis);
    }

    public static Answer problem(int status, String slug, Map<String, String> headers) {
      return new Answer(status, headers, "{\"type\":\"https://apisentinel.dev/problems/" + slug + "\",\"title\":\""
          + slug + "\",\"status\":" + status + ",\"detail\":\"scripted\"}");
    }
  }

  private static final JsonFactory JSON = new JsonFactory();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Set<String> stored = ConcurrentHashMap.newKeySet();
  private final List<String> configEtags = new CopyOnWriteArrayList<>();
  private volatile Script script = (n, ids) -> null;
  private volatile String config = "{\"primaryGateway\":\"stripe\",\"secondaryGateway\":\"paypal\"}";

  public FakeSentinel() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/api/v1/analytics/events", this::ingest);
    server.createContext("/api/v1/sdk/config", this::config);
    server.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public void script(Script script) {
    this.script = script;
  }

  public void config(String json) {
    this.config = json;
  }

  public List<Received> received() {
    return new ArrayList<>(received);
  }

  /** Event ids stored (first time seen with a 202), like the server's table. */
  public Set<String> stored() {
    return Set.copyOf(stored);
  }

  /** The If-None-Match value of each config request ("" when absent). */
  public List<String> configEtags() {
    return new ArrayList<>(configEtags);
  }

  private void ingest(HttpExchange exchange) throws IOException {
    try (exchange) {
      List<String> ids = eventIds(exchange);
      int number;
      synchronized (received) {
        number = received.size() + 1;
        received.add(new Received(System.nanoTime(), exchange.getRequestHeaders().getFirst("X-Request-Id"),
            exchange.getRequestHeaders().getFirst("Content-Encoding"), ids));
      }
      Answer answer = script.answer(number, ids);
      if (answer == null) {
        answer = receipts(ids);
      }
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      if (answer.stallMillis() > 0) {
        exchange.getResponseBody().flush();
        pause(answer.stallMillis());
      }
      exchange.getResponseBody().write(body);
    }
  }

  private Answer receipts(List<String> ids) {
    StringBuilder results = new StringBuilder();
    int accepted = 0;
    for (String id : ids) {
      boolean fresh = stored.add(id);
      accepted += fresh ? 1 : 0;
      results.append(results.length() == 0 ? "" : ",").append("{\"eventId\":\"").append(id)
          .append("\",\"status\":\"").append(fresh ? "accepted" : "duplicate").append("\"}");
    }
    return new Answer(202, Map.of(), "{\"accepted\":" + accepted + ",\"duplicates\":" + (ids.size() - accepted)
        + ",\"rejected\":0,\"results\":[" + results + "]}");
  }

  private void config(HttpExchange exchange) throws IOException {
    try (exchange) {
      String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
      configEtags.add(ifNoneMatch == null ? "" : ifNoneMatch);
      String etag = "\"" + Integer.toHexString(config.hashCode()) + "\"";
      exchange.getResponseHeaders().add("ETag", etag);
      if (etag.equals(ifNoneMatch)) {
        exchange.sendResponseHeaders(304, -1);
        return;
      }
      byte[] body = config.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static List<String> eventIds(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    List<String> ids = new ArrayList<>();
    try (JsonParser p = JSON.createParser(in)) {
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME && p.currentName().equals("eventId") && p.getParsingContext().getParent()
            .getParent() != null && p.getParsingContext().getParent().inArray()) {
          p.nextToken();
          ids.add(p.getText());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
