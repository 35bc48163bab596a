package com.apisentinel.http;

import com.apisentinel.body.BodyFields;
import com.apisentinel.body.FieldError;
import com.apisentinel.body.InvalidBodyException;
import com.apisentinel.store.WebhookStore;
import com.apisentinel.webhook.EndpointUrls;
import com.apisentinel.webhook.SecretBox;
import com.apisentinel.webhook.WebhookSignature;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Webhook endpoints (create with a secret shown once, list, get, update, delete, rotate the secret,
 * send a test), their deliveries, and replaying a message. Changes need a login session; reading
 * also works with an API key.
 */
final class WebhookRoutes implements RouteGroup {

  static final String ENDPOINTS_PATH = "/api/v1/webhooks/endpoints";
  static final String ENDPOINT_PATH = "/api/v1/webhooks/endpoints/:id";
  static final String ROTATE_PATH = "/api/v1/webhooks/endpoints/:id/rotate-secret";
  static final String TEST_PATH = "/api/v1/webhooks/endpoints/:id/test";
  static final String DELIVERIES_PATH = "/api/v1/webhooks/endpoints/:id/deliveries";
  static final String REPLAY_PATH = "/api/v1/webhooks/messages/:messageId/replay";
  static final Set<String> EVENT_TYPES = Set.of("alert.firing", "alert.resolved", "quota.warning", "quota.exhausted",
      "webhook.test");
  /** How long a rotated-out secret keeps signing beside the new one. */
  static final Duration ROTATION_OVERLAP = Duration.ofHours(24);
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 200;

  private final WorkerExecutor lookups;
  private final WebhookStore store;
  private final EndpointUrls urls;
  private final SecretBox secrets;

  WebhookRoutes(Vertx vertx, WebhookStore store, EndpointUrls urls, SecretBox secrets) {
    this.lookups = EndpointUrls.lookups(vertx);
    this.store = store;
    this.urls = urls;
    this.secrets = secrets;
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.post(ENDPOINTS_PATH).handler(auth.sessionOnly()).handler(this::create);
    router.get(ENDPOINTS_PATH).handler(auth.anyCredential()).handler(this::list);
    router.get(ENDPOINT_PATH).handler(auth.anyCredential()).handler(this::get);
    router.patch(ENDPOINT_PATH).handler(auth.sessionOnly()).handler(this::update);
    router.delete(ENDPOINT_PATH).handler(auth.sessionOnly()).handler(this::delete);
    router.post(ROTATE_PATH).handler(auth.sessionOnly()).handler(this::rotate);
    router.post(TEST_PATH).handler(auth.sessionOnly()).handler(this::test);
    router.get(DELIVERIES_PATH).handler(auth.anyCredential()).handler(this::deliveries);
    router.post(REPLAY_PATH).handler(auth.sessionOnly()).handler(this::replay);
  }

  private record NewEndpoint(String url, String description, List<String> eventTypes) {
  }

  private void create(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    ctx.request().pause();
    RequestBody.readObject(ctx)
        .map(body -> {
          BodyFields fields = new BodyFields(body, Set.of("url", "description", "eventTypes"));
          String url = fields.requiredText("url", 8, EndpointUrls.MAX_LENGTH);
          String description = fields.optionalText("description", 0, 500);
          List<String> types = eventTypes(body, fields);
          fields.throwIfInvalid("the webhook endpoint is invalid");
          return new NewEndpoint(url, description, types);
        })
        .compose(endpoint -> checkedUrl(endpoint.url()).map(endpoint))
        .compose(endpoint -> {
          byte[] secret = WebhookSignature.newSecret();
          return store.create(customerId, endpoint.url(), endpoint.description(), endpoint.eventTypes(),
                  id -> secrets.seal(secret, id.toString()))
              .map(created -> json(created).put("secret", WebhookSignature.display(secret)));
        })
        .onSuccess(created -> JsonReply.send(ctx, 201, created))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    store.list(Authentication.principal(ctx).customerId())
        .onSuccess(endpoints -> JsonReply.sendList(ctx, "endpoints", endpoints, WebhookRoutes::json))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    QueryParams.pathId(ctx).compose(id -> store.get(customerId, id)).compose(ProblemException::orNotFound)
        .onSuccess(endpoint -> JsonReply.send(ctx, 200, json(endpoint)))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    ctx.request().pause();
    QueryParams.pathId(ctx).compose(id -> RequestBody.readObject(ctx)
            .map(body -> {
              BodyFields fields = new BodyFields(body, Set.of("url", "description", "eventTypes", "enabled"));
              String url = fields.optionalText("url", 8, EndpointUrls.MAX_LENGTH);
              String description = fields.optionalText("description", 0, 500);
              List<String> types = eventTypes(body, fields);
              Boolean enabled = fields.optionalBoolean("enabled");
              fields.throwIfInvalid("the webhook endpoint change is invalid");
              return new WebhookStore.EndpointChange(url, description, types,
                  body.containsKey("eventTypes") && body.getValue("eventTypes") == null, enabled);
            })
            .compose(change -> change.url() == null ? Future.succeededFuture(change)
                : checkedUrl(change.url()).map(change))
            .compose(change -> store.update(customerId, id, change)))
        .compose(ProblemException::orNotFound)
        .onSuccess(endpoint -> JsonReply.send(ctx, 200, json(endpoint)))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    QueryParams.pathId(ctx).compose(id -> store.delete(customerId, id))
        .compose(ProblemException::orNotFound)
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void rotate(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    byte[] secret = WebhookSignature.newSecret();
    QueryParams.pathId(ctx)
        .compose(id -> store.rotate(customerId, id, secrets.seal(secret, id.toString()),
            Instant.now().plus(ROTATION_OVERLAP)))
        .compose(ProblemException::orNotFound)
        .onSuccess(endpoint -> JsonReply.send(ctx, 200, json(endpoint).put("secret", WebhookSignature.display(secret))))
        .onFailure(ctx::fail);
  }

  private void test(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    QueryParams.pathId(ctx).compose(id -> store.sendTest(customerId, id)).compose(ProblemException::orNotFound)
        .onSuccess(messageId -> JsonReply.send(ctx, 202, new JsonObject().put("messageId", messageId)))
        .onFailure(ctx::fail);
  }

  private void deliveries(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    MultiMap query = ctx.queryParams();
    List<FieldError> errors = new ArrayList<>();
    QueryParams.rejectUnknown(query, Set.of("cursor", "limit"), errors);
    int limit = QueryParams.limit(query, DEFAULT_LIMIT, MAX_LIMIT, errors);
    String cursorText = query.get("cursor");
    WebhookStore.Delivery after = cursorText == null ? null : decodeCursor(cursorText);
    if (cursorText != null && after == null) {
      errors.add(new FieldError("cursor", "is not a cursor this API returned"));
    }
    if (!errors.isEmpty()) {
      ctx.fail(new InvalidBodyException("invalid query parameters", errors));
      return;
    }
    QueryParams.pathId(ctx)
        .compose(id -> store.get(customerId, id).compose(ProblemException::orNotFound)
            .compose(endpoint -> store.deliveries(customerId, id, after, limit + 1)))
        .onSuccess(rows -> {
          JsonArray page = new JsonArray();
          rows.stream().limit(limit).forEach(row -> page.add(json(row)));
          String next = rows.size() > limit ? encodeCursor(rows.get(limit - 1)) : null;
          JsonReply.send(ctx, 200, new JsonObject().put("deliveries", page).put("nextCursor", next));
        })
        .onFailure(ctx::fail);
  }

  private void replay(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    String messageId = ctx.pathParam("messageId");
    store.replay(customerId, messageId)
        .compose(ProblemException::orNotFound)
        .onSuccess(v -> JsonReply.send(ctx, 202, new JsonObject().put("messageId", messageId)))
        .onFailure(ctx::fail);
  }

  /** DNS is blocking: the check runs on the look-up pool. */
  private Future<Void> checkedUrl(String url) {
    return lookups.executeBlocking(() -> urls.resolve(url), false).<Void>mapEmpty()
        .recover(failure -> Future.failedFuture(failure instanceof EndpointUrls.RefusedUrlException refused
            ? new InvalidBodyException("the webhook endpoint is invalid",
                List.of(new FieldError("url", refused.getMessage())))
            : failure));
  }

  /** Absent or null: every type; otherwise 1 to 5 distinct known types. */
  private static List<String> eventTypes(JsonObject body, BodyFields fields) {
    Object value = body.getValue("eventTypes");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > EVENT_TYPES.size()) {
      fields.fail("eventTypes", "must be a list of 1 to " + EVENT_TYPES.size() + " of " + sorted(EVENT_TYPES));
      return null;
    }
    Set<String> types = new LinkedHashSet<>();
    for (Object type : array) {
      if (!(type instanceof String name) || !EVENT_TYPES.contains(name) || !types.add(name)) {
        fields.fail("eventTypes", "must list distinct types among " + sorted(EVENT_TYPES));
        return null;
      }
    }
    return List.copyOf(types);
  }

  private static String sorted(Set<String> values) {
    return String.join(", ", values.stream().sorted().toList());
  }

  private static JsonObject json(WebhookStore.Endpoint endpoint) {
    return new JsonObject().put("id", endpoint.id().toString()).put("url", endpoint.url())
        .put("description", endpoint.description())
        .put("eventTypes", endpoint.eventTypes() == null ? null : new JsonArray(endpoint.eventTypes()))
        .put("enabled", endpoint.enabled()).put("disabledReason", endpoint.disabledReason())
        .put("createdAt", endpoint.createdAt().toString()).put("updatedAt", endpoint.updatedAt().toString());
  }

  private static JsonObject json(WebhookStore.Delivery delivery) {
    return new JsonObject().put("id", delivery.id().toString()).put("messageId", delivery.messageId())
        .put("eventType", delivery.eventType()).put("attempt", delivery.attempt()).put("status", delivery.status())
        .put("responseStatus", delivery.responseStatus()).put("durationMs", delivery.durationMs())
        .put("createdAt", delivery.createdAt().toString())
        .put("nextAttemptAt", delivery.nextAttemptAt() == null ? null : delivery.nextAttemptAt().toString());
  }

  private static String encodeCursor(WebhookStore.Delivery last) {
    String raw = "v1:" + ChronoUnit.MICROS.between(Instant.EPOCH, last.createdAt()) + ":" + last.id();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** Only the position fields are set: the store pages by them. */
  private static WebhookStore.Delivery decodeCursor(String cursor) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", 3);
      if (parts.length != 3 || !parts[0].equals("v1")) {
        return null;
      }
      Instant at = Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS);
      return new WebhookStore.Delivery(UUID.fromString(parts[2]), null, null, 0, null, null, null, at, null);
    } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
      return null;
    }
  }
}
