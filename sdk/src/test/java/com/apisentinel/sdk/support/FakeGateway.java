package com.apisentinel.sdk.support;

import com.apisentinel.sdk.ChargeStatus;
import com.apisentinel.sdk.HttpGateway;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A payment gateway on loopback that injects the faults real gateways have. It charges the way
 * Stripe does: once per idempotency key, however often the key is sent. It records every call and
 * every charge, so that a test can prove no payment was charged twice, across gateways too.
 */
public final class FakeGateway implements AutoCloseable {

  /** What the gateway does with one call. */
  public enum Fault {
    /** Charges and answers 200. */
    NONE,
    /** Answers 402 card_declined; no charge. */
    DECLINE,
    /** Answers 402 with decline_code try_again_later; no charge. */
    SOFT_DECLINE,
    /** Answers 503; no charge. */
    UNAVAILABLE,
    /** Answers 429; no charge. */
    RATE_LIMITED,
    /** Charges, then answers 500 (the charge went through, the answer says error). */
    ERROR_AFTER_CHARGE,
    /** Answers 500; no charge. */
    ERROR_BEFORE_CHARGE,
    /** Charges, then answers after the client has given up. */
    SLOW_AFTER_CHARGE,
    /** Answers after the client has given up; no charge. */
    SLOW_BEFORE_CHARGE,
    /** Charges, then drops the connection without an answer. */
    DROP_AFTER_CHARGE,
    /** Drops the connection without an answer; no charge. */
    DROP_BEFORE_CHARGE,
    /** Charges, sends a 200's head and the start of its body, then stalls past the client's timeout. */
    STALL_AFTER_CHARGE
  }

  /** One call as received. */
  public record Call(String idempotencyKey, String contentType, String body, Map<String, List<String>> headers) {
  }

  /** How long a slow answer takes: longer than the timeout gateways under test are given. */
  public static final Duration SLOW = Duration.ofMillis(1500);
  public static final Duration CLIENT_TIMEOUT = Duration.ofMillis(500);

  private final String name;
  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Set<String> chargedKeys = ConcurrentHashMap.newKeySet();
  private volatile Function<String, Fault> faults = key -> Fault.NONE;

  public FakeGateway(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  public String name() {
    return name;
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
  }

  /** The same fault for every call. */
  public void fault(Fault fault) {
    this.faults = key -> fault;
  }

  /** A fault chosen per call, by its idempotency key. */
  public void faults(Function<String, Fault> faults) {
    this.faults = faults;
  }

  /** A gateway for the SDK, with a status lookup by idempotency key (like Stripe's idempotent replay). */
  public HttpGateway.Builder gateway() {
    return HttpGateway.builder(name).baseUrl(uri()).timeout(CLIENT_TIMEOUT)
        .header("Authorization", "Bearer " + name + "-secret");
  }

  public ChargeStatus lookup(String idempotencyKey) {
    return chargedKeys.contains(idempotencyKey) ? ChargeStatus.CHARGED : ChargeStatus.NOT_CHARGED;
  }

  public List<Call> calls() {
    return new ArrayList<>(calls);
  }

  /** The payments this gateway charged (the idempotency key without its {@code :gateway} suffix). */
  public Set<String> chargedPayments() {
    Set<String> payments = ConcurrentHashMap.newKeySet();
    chargedKeys.forEach(key -> payments.add(key.substring(0, key.lastIndexOf(':'))));
    return payments;
  }

  public int charges() {
    return chargedKeys.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    calls.add(new Call(key, exchange.getRequestHeaders().getFirst("Content-Type"), body,
        Map.copyOf(exchange.getRequestHeaders())));
    Fault fault = faults.apply(key);
    switch (fault) {
      case NONE -> {
        charge(key);
        answer(exchange, 200, "{\"id\":\"ch_" + Integer.toHexString(key.hashCode()) + "\",\"status\":\"succeeded\"}");
      }
      case DECLINE -> answer(exchange, 402,
          "{\"error\":{\"code\":\"card_declined\",\"decline_code\":\"stolen_card\"}}");
      case SOFT_DECLINE -> answer(exchange, 402,
          "{\"error\":{\"code\":\"card_declined\",\"decline_code\":\"try_again_later\"}}");
      case UNAVAILABLE -> answer(exchange, 503, "{\"error\":{\"type\":\"api_error\"}}");
      case RATE_LIMITED -> answer(exchange, 429, "{\"error\":{\"type\":\"rate_limit_error\"}}");
      case ERROR_AFTER_CHARGE -> {
        charge(key);
        answer(exchange, 500, "{\"error\":{\"type\":\"api_error\"}}");
      }
      case ERROR_BEFORE_CHARGE -> answer(exchange, 500, "{\"error\":{\"type\":\"api_error\"}}");
      case SLOW_AFTER_CHARGE -> {
        charge(key);
        sleep(SLOW);
        answer(exchange, 200, "{\"status\":\"succeeded\"}");
      }
      case SLOW_BEFORE_CHARGE -> {
        sleep(SLOW);
        answer(exchange, 503, "{}");
      }
      case DROP_AFTER_CHARGE -> {
        charge(key);
        throw new IllegalStateException("dropping the connection"); // the JDK server closes it unanswered
      }
      case DROP_BEFORE_CHARGE -> throw new IllegalStateException("dropping the connection");
      case STALL_AFTER_CHARGE -> {
        charge(key);
        try (exchange) {
          exchange.sendResponseHeaders(200, 100);
          exchange.getResponseBody().write("{\"status\":".getBytes(StandardCharsets.UTF_8));
          exchange.getResponseBody().flush();
          sleep(SLOW);
        } catch (IOException clientGone) {
          // The client gave up, as it should.
        }
      }
      default -> throw new IllegalArgumentException(fault.toString());
    }
  }

  private boolean charge(String key) {
    return chargedKeys.add(key);
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    } catch (IOException clientGone) {
      // The client gave up first (a slow answer): nothing to do.
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
