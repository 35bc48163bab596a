package com.apisentinel.http;

import com.apisentinel.body.FieldError;
import com.apisentinel.body.InvalidBodyException;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.QuotaStatus;
import com.apisentinel.bus.WriteRequest;
import com.apisentinel.bus.WriteResult;
import com.apisentinel.ingest.Event;
import com.apisentinel.ingest.IngestBody;
import com.apisentinel.ingest.IngestParser;
import com.apisentinel.ingest.ParsedEvent;
import com.apisentinel.metrics.IngestMeters;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * POST /api/v1/analytics/events: parse and validate, hand valid events to the writer, answer after
 * COMMIT. Limited plans get X-Quota-Limit, -Remaining and -Reset (seconds until the UTC month ends,
 * like RateLimit-Reset); a request the quota cannot take whole is refused with 429 quota-exceeded.
 */
final class IngestRoutes {

  static final String EVENTS_PATH = "/api/v1/analytics/events";

  private final EventBus bus;
  private final IngestParser parser;
  private final int maxBodyBytes;
  private final DeliveryOptions writeOptions;
  private final IngestMeters meters;
  private final Clock clock;

  IngestRoutes(EventBus bus, IngestParser parser, int maxBodyBytes, Duration ackTimeout, IngestMeters meters,
               Clock clock) {
    this.meters = meters;
    this.clock = clock;
    this.bus = bus;
    this.parser = parser;
    this.maxBodyBytes = maxBodyBytes;
    this.writeOptions = new DeliveryOptions().setSendTimeout(ackTimeout.toMillis());
  }

  void ingest(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    RequestBody.readJson(ctx, maxBodyBytes)
        .map(parser::parse)
        .compose(body -> store(customerId, body).compose(result -> {
          quotaHeaders(ctx, result.quota());
          return result.isQuotaExceeded() ? Future.failedFuture(quotaExceeded(ctx, result.quota(), body))
              : Future.succeededFuture(answer(body, result));
        }))
        .onSuccess(answer -> JsonReply.send(ctx, 202, answer))
        .onFailure(ctx::fail);
  }

  private void quotaHeaders(RoutingContext ctx, QuotaStatus quota) {
    if (quota != null) {
      ctx.response()
          .putHeader("X-Quota-Limit", Long.toString(quota.limit()))
          .putHeader("X-Quota-Remaining", Long.toString(quota.remaining()))
          .putHeader("X-Quota-Reset", Long.toString(secondsUntil(quota.resetsAt())));
    }
  }

  private ProblemException quotaExceeded(RoutingContext ctx, QuotaStatus quota, IngestBody body) {
    meters.ingested(0, 0, body.items().size());
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(secondsUntil(quota.resetsAt())));
    return new ProblemException(new Problem(429, "quota-exceeded", "Monthly quota exceeded",
        "this request's " + body.validEvents().size() + " events would exceed the monthly quota of " + quota.limit()
            + " events (" + quota.remaining() + " left); nothing was stored"));
  }

  private long secondsUntil(Instant instant) {
    return Math.max(1, (instant.toEpochMilli() - clock.millis() + 999) / 1000);
  }

  /** Sends the valid events to the writer; the reply arrives only after they are committed. */
  private Future<WriteResult> store(UUID customerId, IngestBody body) {
    List<Event> valid = body.validEvents();
    if (valid.isEmpty()) {
      List<FieldError> errors = body.items().stream().flatMap(item -> item.errors().stream()).toList();
      String what = body.batch() ? "no event of the batch is valid" : "the event is invalid";
      meters.ingested(0, 0, body.items().size());
      return Future.failedFuture(new InvalidBodyException(what, errors));
    }
    return bus.<WriteResult>request(Addresses.EVENTS_WRITE, new WriteRequest(customerId, valid), writeOptions)
        .map(Message::body);
  }

  private JsonObject answer(IngestBody body, WriteResult result) {
    if (!body.batch()) {
      ParsedEvent single = body.items().get(0);
      meters.ingested(result.isDuplicate(0) ? 0 : 1, result.isDuplicate(0) ? 1 : 0, 0);
      return new JsonObject().put("eventId", single.eventId()).put("status", status(result.isDuplicate(0)));
    }
    JsonArray results = new JsonArray();
    int accepted = 0;
    int duplicates = 0;
    int validIndex = 0;
    for (ParsedEvent item : body.items()) {
      JsonObject entry = new JsonObject().put("eventId", item.eventId());
      if (item.isValid() && !result.isDuplicate(validIndex++)) {
        accepted++;
        entry.put("status", "accepted");
      } else if (item.isValid() || item.repeatInRequest()) {
        duplicates++;
        entry.put("status", "duplicate");
      } else {
        entry.put("status", "rejected").put("errors", FieldError.toJson(item.errors()));
      }
      results.add(entry);
    }
    meters.ingested(accepted, duplicates, body.items().size() - accepted - duplicates);
    return new JsonObject().put("accepted", accepted).put("duplicates", duplicates)
        .put("rejected", body.items().size() - accepted - duplicates).put("results", results);
  }

  private static String status(boolean duplicate) {
    return duplicate ? "duplicate" : "accepted";
  }
}
