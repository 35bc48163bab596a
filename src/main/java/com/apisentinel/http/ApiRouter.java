package com.apisentinel.http;

import com.apisentinel.config.HttpConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * The router: security headers and a request id on every answer, CORS for the listed origins,
 * each API area's routes, then a
 * 405 with {@code Allow} for a known path and a problem document for every failure.
 */
final class ApiRouter {

  private ApiRouter() {
  }

  static Router create(Vertx vertx, Authentication auth, HttpConfig http, List<RouteGroup> areas) {
    Router router = Router.router(vertx);
    router.route().handler(new ResponseHeaders());
    if (!http.corsOrigins().isEmpty()) {
      router.route().handler(new Cors(http.corsOrigins()));
    }
    areas.forEach(area -> area.mount(router, auth));
    MethodNotAllowed.mountAfter(router);
    ProblemResponder problems = new ProblemResponder(http.maxBodyBytes());
    router.route().failureHandler(problems);
    router.errorHandler(404, problems);
    router.errorHandler(405, problems);
    return router;
  }
}
