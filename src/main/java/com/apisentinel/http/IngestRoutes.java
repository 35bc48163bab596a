package com.apisentinel.http;

import com.apisentinel.body.FieldError;
import com.apisentinel.body.InvalidBodyException;
import com.apisentinel.bus.Addresses;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** POST /api/v1/analytics/events: parse and validate, hand valid events to the writer, answer after COMMIT. */
final class IngestRoutes {

  static final String EVENTS_PATH = "/api/v1/analytics/events";

  private final EventBus bus;
  private final IngestParser parser;
  private final int maxBodyBytes;
  private final DeliveryOptions writeOptions;
  private final IngestMeters meters;

  IngestRoutes(EventBus bus, IngestParser parser, int maxBodyBytes, Duration ackTimeout, IngestMeters meters) {
    this.meters = meters;
    this.bus = bus;
    this.parser = parser;
    this.maxBodyBytes = maxBodyBytes;
    this.writeOptions = new DeliveryOptions().setSendTimeout(ackTimeout.toMillis());
  }

  void ingest(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    RequestBody.readJson(ctx, maxBodyBytes)
        .map(parser::parse)
        .compose(body -> store(customerId, body).map(result -> answer(body, result)))
        .onSuccess(answer -> JsonReply.send(ctx, 202, answer))
        .onFailure(ctx::fail);
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
