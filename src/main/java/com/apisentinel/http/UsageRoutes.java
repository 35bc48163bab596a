package com.apisentinel.http;

import com.apisentinel.auth.Principal;
import com.apisentinel.config.Plan;
import com.apisentinel.config.Plans;
import com.apisentinel.quota.QuotaPeriod;
import com.apisentinel.store.UsageStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * GET /api/v1/usage: the caller's plan, events counted against this month's quota (committed, on
 * every node), its rate limit, and authenticated requests per day of the month (stored every few
 * seconds by each HTTP verticle, so the last seconds may not show yet).
 */
final class UsageRoutes implements RouteGroup {

  static final String USAGE_PATH = "/api/v1/usage";

  private final UsageStore usage;
  private final Plans plans;
  private final Clock clock;

  UsageRoutes(UsageStore usage, Plans plans, Clock clock) {
    this.usage = usage;
    this.plans = plans;
    this.clock = clock;
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.get(USAGE_PATH).handler(auth.anyCredential()).handler(this::get);
  }

  private void get(RoutingContext ctx) {
    Principal principal = Authentication.principal(ctx);
    QuotaPeriod period = QuotaPeriod.of(clock.instant());
    usage.usage(principal.customerId(), period.firstDay(), QuotaPeriod.of(period.end()).firstDay())
        .onSuccess(found -> {
          if (found == null) {
            ctx.fail(404);
          } else {
            JsonReply.send(ctx, 200, toJson(found, period));
          }
        })
        .onFailure(ctx::fail);
  }

  private JsonObject toJson(UsageStore.Usage found, QuotaPeriod period) {
    Plan plan = plans.of(found.tier());
    JsonObject events = new JsonObject().put("used", found.eventsUsed());
    if (plan.unlimitedEvents()) {
      events.putNull("limit").putNull("remaining");
    } else {
      events.put("limit", plan.monthlyEvents()).put("remaining", Math.max(0, plan.monthlyEvents() - found.eventsUsed()));
    }
    JsonArray days = new JsonArray();
    long total = 0;
    for (UsageStore.RequestCount day : found.requestsByDay()) {
      days.add(new JsonObject().put("date", day.day().toString()).put("requests", day.requests()));
      total += day.requests();
    }
    return new JsonObject()
        .put("tier", found.tier())
        .put("periodStart", period.start().toString())
        .put("periodEnd", period.end().toString())
        .put("events", events)
        .put("rateLimit", new JsonObject().put("limit", plan.requestsPerSecond()).put("windowSeconds", 1)
            .put("burst", plan.burst()))
        .put("requests", new JsonObject().put("total", total).put("days", days));
  }
}
