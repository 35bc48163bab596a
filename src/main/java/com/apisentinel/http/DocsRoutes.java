package com.apisentinel.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API's own description: the OpenAPI document at {@link #OPENAPI_PATH} (YAML, or the same as
 * JSON for a client that asks for it, which is what the docs page renders) and the docs page. Both
 * are read once at start-up, on a worker, and served from memory; a document that does not parse
 * stops the start-up instead of being served broken.
 */
final class DocsRoutes implements RouteGroup {

  static final String OPENAPI_PATH = "/api/v1/openapi.yaml";
  static final String DOCS_PATH = "/docs";
  private static final String OPENAPI_RESOURCE = "openapi/openapi.yaml";
  private static final String DOCS_RESOURCE = "webroot/docs.html";
  private static final CharSequence YAML = HttpHeaders.createOptimized("application/yaml; charset=utf-8");
  private static final CharSequence HTML = HttpHeaders.createOptimized("text/html; charset=utf-8");

  private final Buffer yaml;
  private final Buffer json;
  private final Buffer docsPage;

  private DocsRoutes(byte[] yaml, byte[] docsPage) {
    this.yaml = Buffer.buffer(yaml);
    this.docsPage = Buffer.buffer(docsPage);
    try {
      this.json = Buffer.buffer(new ObjectMapper().writeValueAsBytes(new YAMLMapper().readTree(yaml)));
    } catch (IOException e) {
      throw new UncheckedIOException("the bundled OpenAPI document does not parse", e);
    }
  }

  static Future<DocsRoutes> load(Vertx vertx) {
    return vertx.executeBlocking(() -> new DocsRoutes(resource(OPENAPI_RESOURCE), resource(DOCS_RESOURCE)));
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.get(OPENAPI_PATH).handler(this::openApi);
    router.get(DOCS_PATH).handler(WebPages::contentSecurityPolicy).handler(this::docsPage);
  }

  private void openApi(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    boolean wantsJson = accept != null && accept.contains("application/json");
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, wantsJson ? JsonReply.APPLICATION_JSON : YAML)
        .putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT)
        .end(wantsJson ? json : yaml);
  }

  private void docsPage(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, HTML).end(docsPage);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException(name + " is missing from the classpath");
      }
      return in.readAllBytes();
    }
  }
}
