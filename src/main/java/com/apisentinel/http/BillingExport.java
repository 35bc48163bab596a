package com.apisentinel.http;

import com.apisentinel.billing.Billing;
import com.apisentinel.store.BillingStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * GET /api/v1/admin/billing/{YYYY-MM}: every customer's statement for a month, for the operator's
 * invoicing. Streamed: customers are read a page at a time and each statement is written as soon as
 * it is made, waiting whenever the client reads slower than that, so memory stays flat however many
 * customers there are.
 */
final class BillingExport {

  static final String PATH = "/api/v1/admin/billing/:period";
  private static final int PAGE = 200;

  private final Billing billing;
  private final BillingStore store;

  BillingExport(Billing billing, BillingStore store) {
    this.billing = billing;
    this.store = store;
  }

  void export(RoutingContext ctx) {
    YearMonth period;
    try {
      period = YearMonth.parse(ctx.pathParam("period"));
    } catch (DateTimeParseException e) {
      ctx.fail(ProblemException.notFound());
      return;
    }
    HttpServerResponse response = ctx.response().setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, JsonReply.APPLICATION_JSON);
    response.write("{\"period\":\"" + period + "\",\"customers\":[");
    new Run(response, period).page(null)
        .onSuccess(v -> response.end("]}"))
        // Answered in part already: the status line is gone, so the only honest signal is a cut stream.
        .onFailure(failure -> response.reset());
  }

  /** One export: where it is, and whether a statement was written yet (for the commas). */
  private final class Run {
    private final HttpServerResponse response;
    private final YearMonth period;
    private boolean written;

    Run(HttpServerResponse response, YearMonth period) {
      this.response = response;
      this.period = period;
    }

    Future<Void> page(UUID after) {
      return store.customerIds(after, PAGE).compose(ids -> ids.isEmpty() ? Future.succeededFuture()
          : each(ids, 0).compose(v -> ids.size() < PAGE ? Future.succeededFuture() : page(ids.get(ids.size() - 1))));
    }

    private Future<Void> each(List<UUID> ids, int index) {
      if (index == ids.size()) {
        return Future.succeededFuture();
      }
      UUID customerId = ids.get(index);
      return billing.statement(customerId, period)
          .compose(statement -> statement.isEmpty() ? Future.succeededFuture() : writable(response).compose(v -> {
            Buffer chunk = Buffer.buffer(written ? "," : "").appendBuffer(new JsonObject()
                .put("customerId", customerId.toString()).put("statement", BillingRoutes.json(statement.get()))
                .toBuffer());
            written = true;
            return response.write(chunk);
          }))
          .compose(v -> each(ids, index + 1));
    }
  }

  /** Completes once the response can take more: a slow reader slows the export, never fills memory. */
  private static Future<Void> writable(HttpServerResponse response) {
    if (!response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    response.drainHandler(v -> drained.tryComplete());
    return drained.future();
  }
}
