package com.apisentinel.sdk;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import javax.net.ssl.SSLHandshakeException;

/**
 * A gateway reached over HTTP: a base URL, fixed headers (credentials), and the request data sent as
 * a JSON body, or as a form ({@code application/x-www-form-urlencoded}, nested keys in brackets the
 * way Stripe reads them). Every call carries an {@code Idempotency-Key} header.
 *
 * <p>What an answer proves: 2xx charged; 408, 429 and the "not processed" statuses (503 unless
 * configured, per gateway: {@link Builder#notProcessedStatuses}) safe to fail over; other 5xx
 * unknown; 4xx declined, or soft-declined when {@link Builder#softDecline} says so. A refused
 * connection, a failed DNS lookup or TLS handshake, or a connect timeout never sent the request; a
 * timeout after connecting, or a connection lost mid-answer, leaves the outcome unknown.
 */
public final class HttpGateway implements Gateway {

  static final Set<Integer> DEFAULT_NOT_PROCESSED = Set.of(503);
  /** Lets the HTTP client's own timeout, which says more, fire before the overall wait gives up. */
  private static final long TIMEOUT_MARGIN_MS = 100;

  private final String name;
  private final String baseUrl;
  private final Map<String, String> headers;
  private final boolean formBody;
  private final Duration timeout;
  private final Set<Integer> notProcessed;
  private final Predicate<GatewayResponse> softDecline;
  private final StatusLookup statusLookup;
  private final int maxResponseBytes;
  private final HttpClient http;

  /** A gateway's own way to tell whether it charged anything under an idempotency key. */
  @FunctionalInterface
  public interface StatusLookup {
    /**
     * Looks the key up.
     *
     * @param idempotencyKey the key the call was made with
     * @return what the gateway says
     * @throws GatewayException when the lookup failed
     */
    ChargeStatus lookup(String idempotencyKey) throws GatewayException;
  }

  private HttpGateway(Builder b) {
    this.name = b.name;
    this.baseUrl = b.baseUrl.toString().replaceAll("/+$", "");
    this.headers = Map.copyOf(b.headers);
    this.formBody = b.formBody;
    this.timeout = b.timeout;
    this.notProcessed = Set.copyOf(b.notProcessed);
    this.softDecline = b.softDecline;
    this.statusLookup = b.statusLookup;
    this.maxResponseBytes = b.maxResponseBytes;
    this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * A builder for a gateway called {@code name}.
   *
   * @param name {@code stripe, paypal, braintree, square, razorpay, adyen} or {@code custom}
   * @return the builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public GatewayResponse post(GatewayRequest request) throws GatewayException {
    HttpRequest.Builder http = HttpRequest.newBuilder(URI.create(baseUrl + slash(request.endpoint())))
        .timeout(timeout)
        .header("User-Agent", SentinelClient.USER_AGENT)
        .header("Idempotency-Key", request.idempotencyKey());
    headers.forEach(http::header);
    if (formBody) {
      http.header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form(request.data())));
    } else {
      http.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(json(request.data())));
    }
    return send(http.build());
  }

  /**
   * Sends and waits at most the timeout in all: the JDK's request timeout ends when the answer's head
   * arrives, so a body that stalls after it is cut off by this wait.
   */
  private GatewayResponse send(HttpRequest request) throws GatewayException {
    CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, BoundedBody.handler(maxResponseBytes));
    try {
      HttpResponse<byte[]> response = call.get(timeout.toMillis() + TIMEOUT_MARGIN_MS, TimeUnit.MILLISECONDS);
      return new GatewayResponse(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8),
          response.headers().map());
    } catch (ExecutionException e) {
      throw failure(e.getCause());
    } catch (TimeoutException e) {
      call.cancel(true);
      throw timedOut(e);
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw GatewayException.outcomeUnknown("interrupted", "interrupted while waiting for " + name, e);
    }
  }

  /** Whether the request can have reached the gateway decides everything: see {@link GatewayException}. */
  private GatewayException failure(Throwable e) {
    if (e instanceof HttpConnectTimeoutException) {
      return GatewayException.notSent("connect_timeout", "no connection to " + name + " within the connect timeout", e);
    }
    if (e instanceof ConnectException) {
      return GatewayException.notSent("connection_refused", "could not connect to " + name + ": " + e, e);
    }
    if (e instanceof SSLHandshakeException) {
      return GatewayException.notSent("tls_failure", "TLS handshake with " + name + " failed: " + e.getMessage(), e);
    }
    if (e instanceof HttpTimeoutException) {
      return timedOut(e);
    }
    return GatewayException.outcomeUnknown("connection_lost", "the call to " + name + " failed: " + e, e);
  }

  private GatewayException timedOut(Throwable e) {
    return GatewayException.outcomeUnknown("timeout", name + " did not answer within " + timeout.toMillis() + " ms", e);
  }

  @Override
  public GatewayOutcome classify(GatewayResponse response) {
    GatewayOutcome outcome = classifyStatus(response.statusCode(), notProcessed);
    if (outcome == GatewayOutcome.DECLINED && softDecline != null && softDecline.test(response)) {
      return GatewayOutcome.SOFT_DECLINED;
    }
    return outcome;
  }

  @Override
  public ChargeStatus lookup(String idempotencyKey) throws GatewayException {
    return statusLookup == null ? ChargeStatus.UNKNOWN : statusLookup.lookup(idempotencyKey);
  }

  static GatewayOutcome classifyStatus(int status, Set<Integer> notProcessed) {
    if (status >= 200 && status < 300) {
      return GatewayOutcome.SUCCEEDED;
    }
    if (status == 408 || status == 429 || notProcessed.contains(status)) {
      return GatewayOutcome.NOT_PROCESSED;
    }
    if (status >= 400 && status < 500) {
      return GatewayOutcome.DECLINED;
    }
    return GatewayOutcome.UNKNOWN;
  }

  private static String slash(String endpoint) {
    return endpoint.isEmpty() || endpoint.startsWith("/") ? endpoint : "/" + endpoint;
  }

  static byte[] json(Map<String, ?> data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = EventJson.JSON.createGenerator(out)) {
      writeValue(g, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeValue(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof Map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        g.writeFieldName(String.valueOf(entry.getKey()));
        writeValue(g, entry.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof Iterable || value instanceof Object[]) {
      g.writeStartArray();
      for (Object item : value instanceof Iterable ? (Iterable<?>) value : Arrays.asList((Object[]) value)) {
        writeValue(g, item);
      }
      g.writeEndArray();
    } else {
      EventJson.writeScalar(g, value);
    }
  }

  /** {@code a=1&card[number]=4242&items[0]=x}: nested maps and lists flattened with brackets. */
  static String form(Map<String, ?> data) {
    Map<String, String> flat = new LinkedHashMap<>();
    flatten("", data, flat);
    StringBuilder body = new StringBuilder();
    flat.forEach((key, value) -> body.append(body.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return body.toString();
  }

  private static void flatten(String prefix, Object value, Map<String, String> into) {
    if (value instanceof Map) {
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        String key = String.valueOf(entry.getKey());
        flatten(prefix.isEmpty() ? key : prefix + "[" + key + "]", entry.getValue(), into);
      }
    } else if (value instanceof Iterable) {
      int i = 0;
      for (Object item : (Iterable<?>) value) {
        flatten(prefix + "[" + i++ + "]", item, into);
      }
    } else {
      into.put(prefix, value == null ? "" : value.toString());
    }
  }

  /** Builds an {@link HttpGateway}; only the base URL is required. */
  public static final class Builder {
    private final String name;
    private URI baseUrl;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean formBody;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(30);
    private final Set<Integer> notProcessed = new TreeSet<>(DEFAULT_NOT_PROCESSED);
    private Predicate<GatewayResponse> softDecline;
    private StatusLookup statusLookup;
    private int maxResponseBytes = 1 << 20;
    private HttpClient http;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
    }

    /**
     * Sets the base URL; endpoints are appended to it.
     *
     * @param baseUrl e.g. {@code https://api.stripe.com/v1}
     * @return this builder
     */
    public Builder baseUrl(URI baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * Adds a header sent with every call (credentials, API version).
     *
     * @param name the header's name
     * @param value its value
     * @return this builder
     */
    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /**
     * Sends the data as {@code application/x-www-form-urlencoded} instead of JSON.
     *
     * @return this builder
     */
    public Builder formBody() {
      this.formBody = true;
      return this;
    }

    /**
     * Sets how long connecting may take (default 5 s); a connect timeout never sent the request.
     *
     * @param connectTimeout the limit
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * Sets how long a call may take in all (default 30 s); past it the outcome is unknown.
     *
     * @param timeout the limit
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets the 5xx statuses this gateway uses for "not processed, try elsewhere" (default 503).
     * 408 and 429 always count as not processed.
     *
     * @param statuses the statuses
     * @return this builder
     */
    public Builder notProcessedStatuses(int... statuses) {
      notProcessed.clear();
      for (int status : statuses) {
        notProcessed.add(status);
      }
      return this;
    }

    /**
     * Recognises soft declines among 4xx answers (e.g. a {@code decline_code} of
     * {@code try_again_later}); they fail over only when {@link FailoverOptions.Builder#failoverOnSoftDecline} is set.
     *
     * @param softDecline true for a soft decline
     * @return this builder
     */
    public Builder softDecline(Predicate<GatewayResponse> softDecline) {
      this.softDecline = softDecline;
      return this;
    }

    /**
     * Sets how to ask this gateway whether it charged anything under an idempotency key; without
     * it, a timed-out call is never failed over.
     *
     * @param statusLookup the lookup
     * @return this builder
     */
    public Builder statusLookup(StatusLookup statusLookup) {
      this.statusLookup = statusLookup;
      return this;
    }

    /**
     * Sets how much of an answer's body is kept (default 1 MiB); the rest is cut off.
     *
     * @param maxResponseBytes the limit
     * @return this builder
     */
    public Builder maxResponseBytes(int maxResponseBytes) {
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /**
     * Uses this client (proxies, TLS settings) instead of a new one. Redirects should stay off:
     * a redirected payment call is not something to follow blindly.
     *
     * @param http the client
     * @return this builder
     */
    public Builder httpClient(HttpClient http) {
      this.http = http;
      return this;
    }

    /**
     * Builds the gateway.
     *
     * @return the gateway
     * @throws IllegalStateException when no base URL was set
     */
    public Gateway build() {
      if (baseUrl == null) {
        throw new IllegalStateException("baseUrl is required");
      }
      return new HttpGateway(this);
    }
  }
}
