package com.apisentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI document against the server that serves it: every route is an operation and every
 * operation a route, the document is sound OpenAPI 3.1, and real answers have the status codes and
 * shapes it declares (checked with vertx-json-schema, see {@link DocumentSchemas}).
 */
class OpenApiTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private static final String EVENTS = "/api/v1/analytics/events";
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options",
      "trace");
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode document;
  private static DocumentSchemas schemas;
  private static JsonObject registration;

  @BeforeAll
  static void fetchTheDocumentAndRegister() throws IOException {
    HttpResponse<String> response = RUNNING.server().get("/api/v1/openapi.yaml");
    assertThat(response.statusCode()).isEqualTo(200);
    document = new YAMLMapper().readTree(response.body());
    schemas = new DocumentSchemas(document);
    registration = RUNNING.server().register();
  }

  private record Operation(String method, String path, JsonNode pathItem, JsonNode node) {

    String route() {
      return method.toUpperCase(Locale.ROOT) + " " + path;
    }

    /** Path-level parameters and the operation's own, with their $refs resolved. */
    Stream<JsonNode> parameters() {
      return Stream.concat(stream(pathItem.path("parameters")), stream(node.path("parameters"))).map(schemas::resolve);
    }

    /** An operation that checks a credential, parameters or a body can refuse them, so it must say how. */
    boolean takesInput() {
      return !node.path("security").isEmpty() || node.has("requestBody") || parameters().findAny().isPresent();
    }
  }

  @Test
  void everyRouteIsAnOperationAndEveryOperationIsARoute() {
    Set<String> served = RUNNING.server().routes().stream().map(OpenApiTest::asOpenApiPath)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> documented = operations().map(Operation::route).collect(Collectors.toCollection(TreeSet::new));

    assertThat(served).as("routes").hasSizeGreaterThan(20);
    assertThat(without(served, documented)).as("served but not in the document").isEmpty();
    assertThat(without(documented, served)).as("in the document but not served").isEmpty();
  }

  @Test
  void theDocumentIsOpenApi31AndEveryReferenceResolves() {
    assertThat(document.path("openapi").asText()).startsWith("3.1.");
    assertThat(document.path("info").path("title").asText()).isNotBlank();
    List<String> refs = values(document, "$ref").map(JsonNode::asText).toList();
    assertThat(refs).isNotEmpty();
    assertThat(refs).as("$refs that resolve to nothing")
        .filteredOn(ref -> !ref.startsWith("#/") || document.at(JsonPointer.compile(ref.substring(1))).isMissingNode())
        .isEmpty();
    Set<String> schemes = names(document.path("components").path("securitySchemes"));
    assertThat(operations().flatMap(op -> stream(op.node().path("security"))).flatMap(r -> names(r).stream()))
        .as("security schemes the operations name").isNotEmpty().isSubsetOf(schemes);
  }

  @Test
  void everyOperationHasAUniqueIdItsOutcomesAndItsPathParameters() {
    assertThat(operations().filter(op -> op.node().path("operationId").asText().isBlank()).map(Operation::route))
        .as("operations without an operationId").isEmpty();
    assertThat(operations().map(op -> op.node().path("operationId").asText())).doesNotHaveDuplicates();
    assertThat(operations().flatMap(OpenApiTest::gaps)).isEmpty();
  }

  @Test
  void everyExampleHasTheShapeOfItsSchema() {
    assertThat(operations().flatMap(op -> Stream.concat(Stream.of(op.node().path("requestBody")),
            stream(op.node().path("responses")))
        .map(schemas::resolve)
        .flatMap(body -> stream(body.path("content")))
        .filter(media -> media.has("schema"))
        .flatMap(media -> examples(media).flatMap(example -> schemas.violations(media.get("schema"), example).stream()))
        .map(violation -> op.route() + ": " + violation)))
        .isEmpty();
  }

  @Test
  void theDocumentIsServedAsYamlAndAsTheSameJson() throws IOException {
    HttpResponse<String> yaml = RUNNING.server().get("/api/v1/openapi.yaml");
    HttpResponse<String> json = TestServer.send(request("/api/v1/openapi.yaml").header("Accept", "application/json")
        .GET().build());

    assertThat(yaml.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("application/yaml"));
    assertThat(yaml.body()).isEqualTo(bundled("openapi/openapi.yaml"));
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("application/json"));
    assertThat(JSON.readTree(json.body())).isEqualTo(new YAMLMapper().readTree(yaml.body()));
  }

  @Test
  void theDocsPageIsHtmlUnderTheContentSecurityPolicyWithItsScriptAndStyles() throws IOException {
    HttpResponse<String> page = RUNNING.server().get("/docs");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("text/html"));
    String documentedPolicy = document.at("/components/headers/Content-Security-Policy/schema/const").asText();
    assertThat(page.headers().firstValue("Content-Security-Policy")).contains(documentedPolicy);
    assertThat(documentedPolicy).startsWith("default-src 'self'");
    // The policy refuses inline scripts and styles: the page must not need any.
    assertThat(page.body()).contains("src=\"/assets/docs.js\"", "href=\"/assets/docs.css\"")
        .doesNotContain("<style", "style=").doesNotContainPattern("<script(?![^>]*\\ssrc=)");
    Set<String> assetTypes = names(document.at("/paths/~1assets~1{asset}/get/responses/200/content"));
    for (String asset : List.of("docs.js", "docs.css")) {
      HttpResponse<String> served = RUNNING.server().get("/assets/" + asset);
      assertThat(served.statusCode()).as(asset).isEqualTo(200);
      assertThat(served.body()).as(asset).isEqualTo(bundled("webroot/assets/" + asset));
      assertThat(served.headers().firstValue("Content-Type").orElseThrow().split(";")[0].trim()).as(asset)
          .isIn(assetTypes);
    }
  }

  @Test
  void aSingleEventIsAnsweredAsTheDocumentSays() throws IOException {
    HttpResponse<String> response = RUNNING.server().postJson(EVENTS, apiKey(),
        Events.failover(Events.freshId()).encode());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(response.body()).path("status").asText()).isEqualTo("accepted");
    assertAnsweredAsDocumented("post", EVENTS, response);
  }

  @Test
  void aBatchWithABadEventIsAnsweredAsTheDocumentSays() throws IOException {
    String batch = Events.batch(Events.direct(Events.freshId()), Events.direct(Events.freshId()).put("amount", -1));
    HttpResponse<String> response = RUNNING.server().postJson(EVENTS, apiKey(), batch);

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("rejected").asInt()).isEqualTo(1);
    assertThat(body.at("/results/1/errors/0/field").asText()).isEqualTo("events[1].amount");
    assertAnsweredAsDocumented("post", EVENTS, response);

    String allBad = Events.batch(Events.direct(Events.freshId()).put("currency", "EURO"));
    HttpResponse<String> refused = RUNNING.server().postJson(EVENTS, apiKey(), allBad);
    assertThat(refused.statusCode()).isEqualTo(422);
    assertAnsweredAsDocumented("post", EVENTS, refused);
  }

  @Test
  void readsAnswerWithTheDocumentedShapes() throws IOException {
    JsonObject event = Events.failover(Events.freshId()).put("primaryError", new JsonObject().put("code", "timeout"))
        .put("metadata", new JsonObject().put("region", "eu-west-1").put("retries", 1));
    assertThat(RUNNING.server().postJson(EVENTS, apiKey(), event.encode()).statusCode()).isEqualTo(202);
    String register = "/api/v1/customers/register";
    HttpResponse<String> registered = RUNNING.server().postJson(register, null, new JsonObject()
        .put("email", "docs-" + UUID.randomUUID() + "@example.com").put("password", "correct horse battery")
        .put("companyName", "Acme").encode());
    assertThat(registered.statusCode()).isEqualTo(201);
    assertAnsweredAsDocumented("post", register, registered);

    for (String path : List.of(EVENTS, "/api/v1/metrics/overview", "/api/v1/metrics/gateways",
        "/api/v1/metrics/timeseries", "/api/v1/metrics/live", "/api/v1/usage", "/api/v1/customers/profile",
        "/api/v1/sdk/config",
        "/api/v1/keys", "/health", "/health/ready")) {
      HttpResponse<String> response = TestServer.send(request(path).header("Authorization", "Bearer " + accessToken())
          .GET().build());
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertAnsweredAsDocumented("get", path, response);
    }
  }

  @Test
  void failuresAreTheDocumentedProblems() throws IOException {
    /** {@code path} as the document writes it, with a query string if any; {id} becomes an unknown id. */
    record Failure(String method, String path, String credential, String contentType, String body, int status) {
    }
    for (Failure failure : List.of(
        new Failure("GET", "/api/v1/usage", null, null, null, 401),
        new Failure("GET", "/api/v1/customers/profile", apiKey(), null, null, 403),
        new Failure("DELETE", "/api/v1/keys/{id}", accessToken(), null, null, 404),
        new Failure("POST", EVENTS, apiKey(), "application/json", "{\"eventId\":", 400),
        new Failure("POST", EVENTS, apiKey(), "text/plain", "{}", 415),
        new Failure("GET", EVENTS + "?limit=0", apiKey(), null, null, 422))) {
      String uri = failure.path().replace("{id}", UUID.randomUUID().toString());
      HttpRequest.Builder request = request(uri).method(failure.method(), failure.body() == null
          ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(failure.body()));
      if (failure.credential() != null) {
        request.header("Authorization", "Bearer " + failure.credential());
      }
      if (failure.contentType() != null) {
        request.header("Content-Type", failure.contentType());
      }
      HttpResponse<String> response = TestServer.send(request.build());

      assertThat(response.statusCode()).as(failure.method() + " " + failure.path()).isEqualTo(failure.status());
      assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertAnsweredAsDocumented(failure.method().toLowerCase(Locale.ROOT), failure.path().split("\\?")[0], response);
    }
  }

  /** What an operation lacks: a summary and tags, a success, a failure where it takes input, path parameters. */
  private static Stream<String> gaps(Operation op) {
    Set<String> statuses = names(op.node().path("responses"));
    Set<String> inPath = PATH_PARAMETER.matcher(op.path()).results().map(m -> m.group(1))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> declared = op.parameters()
        .filter(p -> p.path("in").asText().equals("path") && p.path("required").asBoolean())
        .map(p -> p.path("name").asText()).collect(Collectors.toCollection(TreeSet::new));
    return Stream.of(
            op.node().path("summary").asText().isBlank() || op.node().path("tags").isEmpty()
                ? "no summary or no tags" : null,
            statuses.stream().noneMatch(status -> status.startsWith("2")) ? "no 2xx response" : null,
            op.takesInput() && statuses.stream().noneMatch(status -> status.matches("[45]\\d\\d"))
                ? "takes input but documents no 4xx or 5xx" : null,
            inPath.equals(declared) ? null : "path parameters " + inPath + " but declared " + declared)
        .filter(Objects::nonNull)
        .map(gap -> op.route() + ": " + gap);
  }

  /** A media type's {@code example} and the values of its named {@code examples}. */
  private static Stream<JsonNode> examples(JsonNode media) {
    return Stream.concat(Stream.of(media.path("example")).filter(example -> !example.isMissingNode()),
        stream(media.path("examples")).map(example -> schemas.resolve(example).path("value")));
  }

  /**
   * {@code DELETE /api/v1/keys/:id} → {@code DELETE /api/v1/keys/{id}}. The one wildcard route, {@code /assets/*},
   * is {@code /assets/{asset}}.
   */
  private static String asOpenApiPath(String route) {
    return route.replaceAll(":([A-Za-z][A-Za-z0-9_]*)", "{$1}").replaceFirst("^GET /assets/\\*$", "GET /assets/{asset}");
  }

  private static Stream<Operation> operations() {
    return fields(document.path("paths")).flatMap(path -> METHODS.stream()
        .filter(method -> path.getValue().has(method))
        .map(method -> new Operation(method, path.getKey(), path.getValue(), path.getValue().get(method))));
  }

  /** The document lists the answer's status for the operation, with the headers it carries and its body's shape. */
  private static void assertAnsweredAsDocumented(String method, String path, HttpResponse<String> answer)
      throws IOException {
    String what = method.toUpperCase(Locale.ROOT) + " " + path + " → " + answer.statusCode();
    JsonNode documented = schemas.resolve(document.path("paths").path(path).path(method).path("responses")
        .path(Integer.toString(answer.statusCode())));
    assertThat(documented.isMissingNode()).as("the document lists %s", what).isFalse();
    assertThat(names(documented.path("headers"))).as("headers of %s", what)
        .allSatisfy(header -> assertThat(answer.headers().firstValue(header)).as(header).isPresent());
    String mediaType = answer.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
    JsonNode schema = documented.path("content").path(mediaType).path("schema");
    assertThat(schema.isMissingNode()).as("the document has a %s body for %s", mediaType, what).isFalse();
    assertThat(schemas.violations(schema, JSON.readTree(answer.body()))).as(what).isEmpty();
  }

  private static String apiKey() {
    return registration.getJsonObject("apiKey").getString("key");
  }

  private static String accessToken() {
    return registration.getString("accessToken");
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(RUNNING.server().uri(path)).timeout(Duration.ofSeconds(20));
  }

  private static String bundled(String resource) throws IOException {
    try (InputStream in = OpenApiTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Set<String> without(Set<String> all, Set<String> removed) {
    Set<String> rest = new TreeSet<>(all);
    rest.removeAll(removed);
    return rest;
  }

  /** Every value of a field with this name, at any depth. */
  private static Stream<JsonNode> values(JsonNode node, String name) {
    Stream<JsonNode> own = node.has(name) ? Stream.of(node.get(name)) : Stream.empty();
    return Stream.concat(own, stream(node).flatMap(child -> values(child, name)));
  }

  static Stream<JsonNode> stream(JsonNode node) {
    return StreamSupport.stream(node.spliterator(), false);
  }

  static Stream<Map.Entry<String, JsonNode>> fields(JsonNode node) {
    return node.properties().stream();
  }

  static Set<String> names(JsonNode node) {
    return fields(node).map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The document's schemas (OpenAPI 3.1 is JSON Schema 2020-12), checked by vertx-json-schema. A
   * schema's {@code #/components/...} references resolve against the document itself: each schema
   * is validated as the root of a copy of the document's {@code components}.
   */
  static final class DocumentSchemas {

    private final JsonNode root;
    private final JsonObject components;

    DocumentSchemas(JsonNode root) throws IOException {
      this.root = root;
      this.components = new JsonObject(JSON.writeValueAsString(root.path("components")));
    }

    /** Follows {@code $ref}s (responses, examples) to what they point at. */
    JsonNode resolve(JsonNode node) {
      JsonNode current = node;
      while (current.has("$ref")) {
        current = root.at(JsonPointer.compile(current.get("$ref").asText().substring(1)));
      }
      return current;
    }

    List<String> violations(JsonNode schema, JsonNode value) {
      try {
        JsonObject rooted = new JsonObject(JSON.writeValueAsString(schema)).put("components", components);
        OutputUnit result = Validator.create(JsonSchema.of(rooted), new JsonSchemaOptions()
                .setDraft(Draft.DRAFT202012).setBaseUri("https://apisentinel.dev/openapi").setOutputFormat(OutputFormat.Basic))
            .validate(io.vertx.core.json.Json.decodeValue(JSON.writeValueAsString(value)));
        if (Boolean.TRUE.equals(result.getValid())) {
          return List.of();
        }
        return result.getErrors() == null ? List.of(result.toString()) : result.getErrors().stream()
            .map(error -> error.getInstanceLocation() + ": " + error.getError() + " (" + error.getKeywordLocation() + ")")
            .toList();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
