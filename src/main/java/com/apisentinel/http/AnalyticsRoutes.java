package com.apisentinel.http;

import com.apisentinel.body.FieldError;
import com.apisentinel.body.InvalidBodyException;
import com.apisentinel.ingest.Gateway;
import com.apisentinel.store.EventQueries;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** GET /api/v1/analytics/events: one customer's events, newest first, keyset-paged. */
final class AnalyticsRoutes implements RouteGroup {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final Set<String> PARAMETERS = Set.of("from", "to", "gateway", "success", "failoverUsed", "limit",
      "cursor");

  private final EventQueries events;

  AnalyticsRoutes(EventQueries events) {
    this.events = events;
  }

  /** The same path as ingest: GET lists what POST stored. */
  @Override
  public void mount(Router router, Authentication auth) {
    router.get(IngestRoutes.EVENTS_PATH).handler(auth.anyCredential()).handler(this::listEvents);
  }

  private void listEvents(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    List<FieldError> errors = new ArrayList<>();
    QueryParams.rejectUnknown(query, PARAMETERS, errors);
    Instant from = QueryParams.time(query, "from", errors);
    Instant to = QueryParams.time(query, "to", errors);
    if (from != null && to != null && !from.isBefore(to)) {
      errors.add(new FieldError("to", "must be after from"));
    }
    String gateway = query.get("gateway");
    if (gateway != null && Gateway.fromWireName(gateway) == null) {
      errors.add(new FieldError("gateway", "must be one of " + Gateway.allowedNames()));
    }
    Boolean success = bool(query, "success", errors);
    Boolean failoverUsed = bool(query, "failoverUsed", errors);
    int limit = QueryParams.limit(query, DEFAULT_LIMIT, MAX_LIMIT, errors);
    String cursorText = query.get("cursor");
    EventQueries.Position after = cursorText == null ? null : EventCursor.decode(cursorText);
    if (cursorText != null && after == null) {
      errors.add(new FieldError("cursor", "is not a cursor this API returned"));
    }
    if (!errors.isEmpty()) {
      ctx.fail(new InvalidBodyException("invalid query parameters", errors));
      return;
    }
    var filter = new EventQueries.Filter(Authentication.principal(ctx).customerId(), from, to, gateway, success,
        failoverUsed);
    // One row more than asked tells whether another page exists, so the last page says nextCursor: null.
    events.page(filter, after, limit + 1).onSuccess(rows -> {
      JsonArray page = new JsonArray();
      rows.stream().limit(limit).forEach(row -> page.add(row.json()));
      String next = rows.size() > limit ? EventCursor.encode(rows.get(limit - 1).position()) : null;
      JsonReply.send(ctx, 200, new JsonObject().put("events", page).put("nextCursor", next));
    }).onFailure(ctx::fail);
  }


  private static Boolean bool(MultiMap query, String name, List<FieldError> errors) {
    String value = query.get(name);
    if (value == null) {
      return null;
    }
    if (!value.equals("true") && !value.equals("false")) {
      errors.add(new FieldError(name, "must be true or false"));
      return null;
    }
    return Boolean.valueOf(value);
  }
}
