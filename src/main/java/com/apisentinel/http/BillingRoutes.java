package com.apisentinel.http;

import com.apisentinel.billing.Billing;
import com.apisentinel.billing.Statement;
import com.apisentinel.billing.StatementLine;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** A customer's monthly statements: the fee on what failover recovered (API key or access token). */
final class BillingRoutes implements RouteGroup {

  static final String STATEMENTS_PATH = "/api/v1/billing/statements";
  static final String STATEMENT_PATH = "/api/v1/billing/statements/:period";
  private static final CharSequence CSV = HttpHeaders.createOptimized("text/csv; charset=utf-8");

  private final Billing billing;

  BillingRoutes(Billing billing) {
    this.billing = billing;
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.get(STATEMENTS_PATH).handler(auth.anyCredential()).handler(this::list);
    router.get(STATEMENT_PATH).handler(auth.anyCredential()).handler(this::get);
  }

  private void list(RoutingContext ctx) {
    billing.statements(Authentication.principal(ctx).customerId())
        .onSuccess(statements -> JsonReply.sendList(ctx, "statements", statements, statement -> {
          JsonObject fees = new JsonObject();
          statement.totals().forEach((currency, total) -> fees.put(currency, total.fee()));
          return new JsonObject().put("period", statement.period().toString()).put("status", statement.status())
              .put("fees", fees);
        }))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    YearMonth period;
    try {
      period = YearMonth.parse(ctx.pathParam("period"));
    } catch (DateTimeParseException e) {
      ctx.fail(ProblemException.notFound());
      return;
    }
    billing.statement(customerId, period).compose(ProblemException::orNotFound)
        .onSuccess(statement -> {
          String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
          if (accept != null && accept.contains("text/csv")) {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, CSV).putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT)
                .putHeader("Content-Disposition", "attachment; filename=\"statement-" + period + ".csv\"")
                .end(csv(statement));
          } else {
            ctx.response().putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT);
            JsonReply.send(ctx, 200, json(statement));
          }
        })
        .onFailure(ctx::fail);
  }

  static JsonObject json(Statement statement) {
    JsonArray lines = new JsonArray();
    for (StatementLine line : statement.lines()) {
      lines.add(new JsonObject().put("currency", line.currency()).put("exponent", line.exponent())
          .put("events", line.events()).put("failoverEvents", line.failoverEvents())
          .put("recoveries", line.recoveries()).put("recoveredMinor", line.recoveredMinor().longValueExact())
          .put("feeBasisPoints", line.feeBasisPoints()).put("feeMinor", line.feeMinor().longValueExact())
          .put("lateAdjustment", line.lateAdjustment()));
    }
    JsonObject totals = new JsonObject();
    statement.totals().forEach((currency, total) -> totals.put(currency,
        new JsonObject().put("recovered", total.recovered()).put("fee", total.fee())));
    return new JsonObject().put("period", statement.period().toString())
        .put("periodStart", statement.periodStart().toString()).put("periodEnd", statement.periodEnd().toString())
        .put("status", statement.status()).put("generatedAt", statement.generatedAt().toString())
        .put("lines", lines).put("totals", totals);
  }

  private static String csv(Statement statement) {
    StringBuilder csv = new StringBuilder("period,currency,exponent,events,failoverEvents,recoveries,recoveredMinor,"
        + "feeBasisPoints,feeMinor,lateAdjustment\r\n");
    for (StatementLine line : statement.lines()) {
      csv.append(statement.period()).append(',').append(line.currency()).append(',').append(line.exponent())
          .append(',').append(line.events()).append(',').append(line.failoverEvents()).append(',')
          .append(line.recoveries()).append(',').append(line.recoveredMinor().toPlainString()).append(',')
          .append(line.feeBasisPoints()).append(',').append(line.feeMinor().toPlainString()).append(',')
          .append(line.lateAdjustment() == null ? "" : line.lateAdjustment()).append("\r\n");
    }
    return csv.toString();
  }
}
