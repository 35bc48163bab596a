package com.apisentinel.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * 405 with {@code Allow} (RFC 9110 §15.5.6) for a path the API serves under other methods, any
 * method at all included (a made-up {@code FOO} too): mounted after every real route, one catch-all
 * per path, so the router answers these without ever looking at the method's name again.
 */
final class MethodNotAllowed {

  private MethodNotAllowed() {
  }

  /** Call once every route is mounted. */
  static void mountAfter(Router router) {
    Map<String, TreeSet<String>> allowed = new LinkedHashMap<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() != null && route.methods() != null && !route.methods().isEmpty()) {
        TreeSet<String> methods = allowed.computeIfAbsent(route.getPath(), path -> new TreeSet<>());
        route.methods().stream().map(HttpMethod::name).forEach(methods::add);
      }
    }
    allowed.forEach((path, methods) -> {
      String allow = String.join(", ", methods);
      router.route(path).handler(ctx -> {
        ctx.response().putHeader(HttpHeaders.ALLOW, allow);
        ctx.fail(405);
      });
    });
  }
}
