package com.apisentinel.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The dashboard: one page at {@link #DASHBOARD_PATH} and its scripts and styles under
 * {@link #ASSETS_PATH}, bundled in the jar under {@code webroot/}. No CDN: everything it loads
 * comes from this server, which the content security policy enforces in the browser.
 */
final class WebPages implements RouteGroup {

  static final String DASHBOARD_PATH = "/";
  static final String ASSETS_PATH = "/assets/*";
  private static final CharSequence CONTENT_SECURITY_POLICY = HttpHeaders.createOptimized("Content-Security-Policy");
  private static final CharSequence SELF_ONLY = HttpHeaders.createOptimized(
      "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");

  @Override
  public void mount(Router router, Authentication auth) {
    router.get(DASHBOARD_PATH).handler(WebPages::contentSecurityPolicy).handler(dashboard());
    router.get(ASSETS_PATH).handler(WebPages::contentSecurityPolicy).handler(assets());
  }

  static void contentSecurityPolicy(RoutingContext ctx) {
    ctx.response().putHeader(CONTENT_SECURITY_POLICY, SELF_ONLY);
    ctx.next();
  }

  /** {@code webroot/index.html}. Not cached by browsers (every answer says no-store): it is small. */
  private static StaticHandler dashboard() {
    return StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html");
  }

  /** {@code webroot/assets/*}, mounted so that {@code /assets/app.js} is {@code webroot/assets/app.js}. */
  private static StaticHandler assets() {
    return StaticHandler.create("webroot/assets").setCachingEnabled(false);
  }
}
