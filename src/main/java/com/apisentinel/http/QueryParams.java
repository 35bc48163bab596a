package com.apisentinel.http;

import com.apisentinel.body.FieldError;
import com.apisentinel.body.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Query-string checks shared by the read endpoints; problems are collected as field errors (422). */
final class QueryParams {

  private QueryParams() {
  }

  /** The {@code :id} path parameter; a malformed id names nothing of this caller: 404, like another tenant's id. */
  static Future<UUID> pathId(RoutingContext ctx) {
    try {
      return Future.succeededFuture(UUID.fromString(ctx.pathParam("id")));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(ProblemException.notFound());
    }
  }

  static void rejectUnknown(MultiMap query, Set<String> allowed, List<FieldError> errors) {
    query.names().stream().filter(name -> !allowed.contains(name)).sorted()
        .forEach(name -> errors.add(new FieldError(name, "is not a known parameter")));
  }

  /** @return the parameter as an instant, null when absent or invalid (then an error is recorded) */
  static Instant time(MultiMap query, String name, List<FieldError> errors) {
    String value = query.get(name);
    if (value == null) {
      return null;
    }
    Instant at = Rfc3339.parse(value);
    if (at == null) {
      errors.add(new FieldError(name, Rfc3339.EXPECTED));
    }
    return at;
  }

  /** @return the page size, or {@code defaultLimit} when absent or invalid (then an error is recorded) */
  static int limit(MultiMap query, int defaultLimit, int maxLimit, List<FieldError> errors) {
    String value = query.get("limit");
    if (value == null) {
      return defaultLimit;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= maxLimit) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(new FieldError("limit", "must be a whole number from 1 to " + maxLimit));
    return defaultLimit;
  }
}
