package com.apisentinel.http;

import com.apisentinel.body.FieldError;
import com.apisentinel.body.InvalidBodyException;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.BusAddress;
import com.apisentinel.bus.WriteRequest;
import com.apisentinel.bus.WriteResult;
import com.apisentinel.ingest.Event;
import com.apisentinel.ingest.IngestBody;
import com.apisentinel.ingest.IngestParser;
import com.apisentinel.ingest.ParsedEvent;
import com.apisentinel.metrics.IngestMeters;
import com.apisentinel.quota.QuotaStatus;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
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
final class IngestRoutes implements RouteGroup {

  static final String EVENTS_PATH = "/api/v1/analytics/events";
  private static final FieldError CONFLICT = new FieldError("eventId",
      "already stored with a different payload; the stored event is unchanged (send a new eventId for a new event)");

  private final EventBus bus;
  private final IngestParser parser;
  private final int maxBodyBytes;
  /** Waits as long as the configured ack timeout. */
  private final BusAddress<WriteRequest, WriteResult> writes;
  private final IngestMeters meters;
  private final Clock clock;

  IngestRoutes(EventBus bus, IngestParser parser, int maxBodyBytes, Duration ackTimeout, IngestMeters meters,
               Clock clock) {
    this.meters = meters;
    this.clock = clock;
    this.bus = bus;
    this.parser = parser;
    this.maxBodyBytes = maxBodyBytes;
    this.writes = Addresses.EVENTS_WRITE.withTimeout(ackTimeout);
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.post(EVENTS_PATH).handler(auth.anyCredential()).handler(this::ingest);
  }

  private void ingest(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    RequestBody.readJson(ctx, maxBodyBytes)
        .map(parser::parse)
        .compose(body -> store(customerId, body).compose(result -> {
          quotaHeaders(ctx, result.quota());
          return result.isQuotaExceeded() ? Future.failedFuture(quotaExceeded(ctx, result.quota(), body))
              : answer(body, result);
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
    meters.ingested(0, 0, 0, body.items().size());
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
      meters.ingested(0, 0, 0, body.items().size());
      return Future.failedFuture(new InvalidBodyException(what, errors));
    }
    return writes.request(bus, new WriteRequest(customerId, valid));
  }

  /** A single event's conflict is a 409 (Stripe's idempotency error); a batch reports it per event. */
  private Future<JsonObject> answer(IngestBody body, WriteResult result) {
    if (!body.batch()) {
      boolean duplicate = result.isDuplicate(0);
      boolean conflict = result.isConflict(0);
      meters.ingested(duplicate ? 0 : 1, duplicate && !conflict ? 1 : 0, conflict ? 1 : 0, 0);
      return conflict ? Future.failedFuture(idempotencyConflict())
          : Future.succeededFuture(new JsonObject().put("eventId", body.items().get(0).eventId())
              .put("status", duplicate ? "duplicate" : "accepted"));
    }
    JsonArray results = new JsonArray();
    int[] counts = new int[4]; // accepted, duplicates, conflicts, rejected
    int validIndex = 0;
    for (ParsedEvent item : body.items()) {
      int index = item.isValid() ? validIndex++ : -1;
      results.add(itemResult(item, index < 0 ? null : result, index, counts));
    }
    meters.ingested(counts[0], counts[1], counts[2], counts[3]);
    return Future.succeededFuture(new JsonObject().put("accepted", counts[0]).put("duplicates", counts[1])
        .put("conflicts", counts[2]).put("rejected", counts[3]).put("results", results));
  }

  private static JsonObject itemResult(ParsedEvent item, WriteResult result, int index, int[] counts) {
    JsonObject entry = new JsonObject().put("eventId", item.eventId());
    if (result != null && !result.isDuplicate(index)) {
      counts[0]++;
      return entry.put("status", "accepted");
    }
    if (result != null && result.isConflict(index)) {
      counts[2]++;
      return entry.put("status", "conflict").put("errors", FieldError.toJson(List.of(CONFLICT)));
    }
    if (result != null) {
      counts[1]++;
      return entry.put("status", "duplicate");
    }
    counts[3]++;
    return entry.put("status", "rejected").put("errors", FieldError.toJson(item.errors()));
  }

  private static ProblemException idempotencyConflict() {
    return new ProblemException(new Problem(409, "idempotency-conflict", "Idempotency conflict",
        "an event with this eventId is already stored with a different payload; it was kept unchanged",
        List.of(CONFLICT)));
  }
}
