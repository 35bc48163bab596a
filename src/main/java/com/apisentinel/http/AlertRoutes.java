package com.apisentinel.http;

import com.apisentinel.body.BodyFields;
import com.apisentinel.ingest.Gateway;
import com.apisentinel.store.AlertStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.Set;
import java.util.UUID;

/**
 * Alert rules (create, list, get, replace, delete) and the alerts they raised. Changes need a login
 * session; reading also works with an API key. The rules are evaluated by the alert verticle.
 */
final class AlertRoutes implements RouteGroup {

  static final String RULES_PATH = "/api/v1/alerts/rules";
  static final String RULE_PATH = "/api/v1/alerts/rules/:id";
  static final String ALERTS_PATH = "/api/v1/alerts";
  private static final Set<String> FIELDS = Set.of("kind", "threshold", "windowSeconds", "minEvents", "gateway",
      "resolveThreshold", "forSeconds");
  private static final Set<String> RATES = Set.of("failover_rate", "gateway_failure_rate");
  private static final BigDecimal MAX_RECOVERY_MS = BigDecimal.valueOf(600_000);
  private static final BigDecimal MAX_STREAK = BigDecimal.valueOf(1000);

  private final AlertStore store;

  AlertRoutes(AlertStore store) {
    this.store = store;
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.post(RULES_PATH).handler(auth.sessionOnly()).handler(this::create);
    router.get(RULES_PATH).handler(auth.anyCredential()).handler(this::list);
    router.get(RULE_PATH).handler(auth.anyCredential()).handler(this::get);
    router.put(RULE_PATH).handler(auth.sessionOnly()).handler(this::replace);
    router.delete(RULE_PATH).handler(auth.sessionOnly()).handler(this::delete);
    router.get(ALERTS_PATH).handler(auth.anyCredential()).handler(this::alerts);
  }

  private void create(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    ctx.request().pause();
    RequestBody.readObject(ctx).map(AlertRoutes::settings)
        .compose(settings -> store.create(customerId, settings))
        .onSuccess(rule -> JsonReply.send(ctx, 201, json(rule)))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    store.list(Authentication.principal(ctx).customerId())
        .onSuccess(rules -> JsonReply.sendList(ctx, "rules", rules, AlertRoutes::json))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    QueryParams.pathId(ctx).compose(id -> store.get(customerId, id)).compose(ProblemException::orNotFound)
        .onSuccess(rule -> JsonReply.send(ctx, 200, json(rule)))
        .onFailure(ctx::fail);
  }

  private void replace(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    ctx.request().pause();
    QueryParams.pathId(ctx)
        .compose(id -> RequestBody.readObject(ctx).map(AlertRoutes::settings)
            .compose(settings -> store.replace(customerId, id, settings)))
        .compose(ProblemException::orNotFound)
        .onSuccess(rule -> JsonReply.send(ctx, 200, json(rule)))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    QueryParams.pathId(ctx).compose(id -> store.delete(customerId, id))
        .compose(ProblemException::orNotFound)
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void alerts(RoutingContext ctx) {
    store.alerts(Authentication.principal(ctx).customerId())
        .onSuccess(alerts -> JsonReply.sendList(ctx, "alerts", alerts, AlertRoutes::json))
        .onFailure(ctx::fail);
  }

  /**
   * Defaults: a 5-minute window; at least 20 events for a rate, 1 recovery for p95, the streak's
   * length for a streak; resolving below the threshold itself; firing at once.
   */
  static AlertStore.RuleSettings settings(JsonObject body) {
    BodyFields fields = new BodyFields(body, FIELDS);
    String kind = fields.requiredText("kind", 1, 40);
    if (kind != null && !RATES.contains(kind) && !kind.equals("recovery_time_p95")
        && !kind.equals("both_failed_streak")) {
      fields.fail("kind", "must be one of both_failed_streak, failover_rate, gateway_failure_rate, recovery_time_p95");
      kind = null;
    }
    BigDecimal threshold = number(body, fields, "threshold", true);
    BigDecimal resolve = number(body, fields, "resolveThreshold", false);
    Long window = fields.optionalInteger("windowSeconds", 60, 86_400);
    Long minEvents = fields.optionalInteger("minEvents", 1, 1_000_000);
    Long forSeconds = fields.optionalInteger("forSeconds", 0, 86_400);
    String gateway = fields.optionalText("gateway", 1, 40);
    if (kind != null && threshold != null) {
      checkThreshold(fields, kind, threshold, "threshold");
      if (resolve != null && resolve.compareTo(threshold) > 0) {
        fields.fail("resolveThreshold", "must not be above threshold");
      }
    }
    if (gateway != null && Gateway.fromWireName(gateway) == null) {
      fields.fail("gateway", "must be one of " + Gateway.allowedNames());
    } else if ("gateway_failure_rate".equals(kind) && gateway == null) {
      fields.fail("gateway", "is required for a gateway_failure_rate rule");
    } else if ("both_failed_streak".equals(kind) && gateway != null) {
      fields.fail("gateway", "does not apply to a both_failed_streak rule");
    }
    fields.throwIfInvalid("the alert rule is invalid");
    int defaultMin = RATES.contains(kind) ? 20 : kind.equals("both_failed_streak") ? threshold.intValue() : 1;
    return new AlertStore.RuleSettings(kind, threshold, window == null ? 300 : window.intValue(),
        minEvents == null ? defaultMin : minEvents.intValue(), gateway, resolve == null ? threshold : resolve,
        forSeconds == null ? 0 : forSeconds.intValue());
  }

  private static void checkThreshold(BodyFields fields, String kind, BigDecimal value, String field) {
    if (RATES.contains(kind) && (value.signum() <= 0 || value.compareTo(BigDecimal.ONE) > 0)) {
      fields.fail(field, "must be a fraction above 0 and at most 1 (0.05 is 5 %)");
    } else if (kind.equals("recovery_time_p95") && (value.signum() <= 0 || value.compareTo(MAX_RECOVERY_MS) > 0)) {
      fields.fail(field, "must be milliseconds above 0 and at most " + MAX_RECOVERY_MS);
    } else if (kind.equals("both_failed_streak") && (value.stripTrailingZeros().scale() > 0
        || value.compareTo(BigDecimal.ONE) < 0 || value.compareTo(MAX_STREAK) > 0)) {
      fields.fail(field, "must be a whole number of events from 1 to " + MAX_STREAK);
    }
  }

  private static BigDecimal number(JsonObject body, BodyFields fields, String field, boolean required) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        fields.fail(field, "is required");
      }
      return null;
    }
    if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
      fields.fail(field, "must be a number");
      return null;
    }
    BigDecimal decimal = new BigDecimal(number.toString());
    if (decimal.signum() < 0) {
      fields.fail(field, "must not be negative");
      return null;
    }
    return decimal;
  }

  private static JsonObject json(AlertStore.Alert alert) {
    return new JsonObject().put("id", alert.id().toString()).put("ruleId", alert.ruleId().toString())
        .put("state", alert.state()).put("value", alert.value().doubleValue())
        .put("threshold", alert.threshold().doubleValue()).put("startedAt", alert.startedAt().toString())
        .put("resolvedAt", alert.resolvedAt() == null ? null : alert.resolvedAt().toString());
  }

  private static JsonObject json(AlertStore.Rule rule) {
    AlertStore.RuleSettings s = rule.settings();
    return new JsonObject().put("id", rule.id().toString()).put("kind", s.kind())
        .put("threshold", s.threshold().doubleValue()).put("windowSeconds", s.windowSeconds())
        .put("minEvents", s.minEvents()).put("gateway", s.gateway())
        .put("resolveThreshold", s.resolveThreshold().doubleValue()).put("forSeconds", s.forSeconds())
        .put("state", rule.state()).put("createdAt", rule.createdAt().toString())
        .put("updatedAt", rule.updatedAt().toString());
  }
}
