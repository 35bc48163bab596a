package com.apisentinel.http;

import io.vertx.ext.web.Router;

/**
 * One API area's routes. Each area mounts its own paths, methods and guards, so the router is
 * assembled as a list of areas and each class shows, at its top, what it serves and to whom.
 */
interface RouteGroup {

  void mount(Router router, Authentication auth);
}
