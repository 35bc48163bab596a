package com.apisentinel.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** The node's meters for operators' Prometheus: expose it on an internal network only (it needs no credentials). */
final class PrometheusRoutes implements RouteGroup {

  static final String METRICS_PATH = "/metrics";

  private final PrometheusMeterRegistry registry;

  PrometheusRoutes(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.get(METRICS_PATH).handler(PrometheusScrapingHandler.create(registry));
  }
}
