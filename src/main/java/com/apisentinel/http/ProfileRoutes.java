package com.apisentinel.http;

import com.apisentinel.account.Customer;
import com.apisentinel.account.FailoverSettings;
import com.apisentinel.body.BodyFields;
import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import com.apisentinel.ingest.Gateway;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;

/** GET and PUT /api/v1/customers/profile (login sessions only). */
final class ProfileRoutes implements RouteGroup {

  static final String PROFILE_PATH = "/api/v1/customers/profile";
  /** Only these may change; id, email, tier and the rest are refused with 422 (no mass assignment). */
  private static final Set<String> EDITABLE = Set.of("companyName", "primaryGateway", "secondaryGateway", "failover");
  private static final Set<String> FAILOVER_FIELDS = Set.of("enabled", "onTimeout", "circuitBreaker");
  private static final Set<String> BREAKER_FIELDS = Set.of("failureThreshold", "openMs");
  private static final Set<String> ON_TIMEOUT = Set.of(FailoverSettings.LOOKUP, FailoverSettings.RETURN);

  private final EventBus bus;

  ProfileRoutes(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.get(PROFILE_PATH).handler(auth.sessionOnly()).handler(this::get);
    router.put(PROFILE_PATH).handler(auth.sessionOnly()).handler(this::update);
  }

  private void get(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    Addresses.AUTH_PROFILE_GET.request(bus, new AccountCommands.GetProfile(customerId))
        .onSuccess(reply -> respond(ctx, reply))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    UUID customerId = Authentication.principal(ctx).customerId();
    RequestBody.readObject(ctx)
        .map(body -> {
          BodyFields fields = new BodyFields(body, EDITABLE);
          String companyName = fields.optionalText("companyName", 1, 200);
          if (companyName != null && companyName.isBlank()) {
            fields.fail("companyName", "must not be blank");
          }
          String primary = gateway(fields, "primaryGateway");
          String secondary = gateway(fields, "secondaryGateway");
          if (primary != null && primary.equals(secondary)) {
            fields.fail("secondaryGateway", "must differ from primaryGateway");
          }
          FailoverSettings.Update failover = failover(fields);
          fields.throwIfInvalid("the profile update is invalid");
          return new AccountCommands.UpdateProfile(customerId, companyName, primary, secondary, failover,
              SessionRoutes.clientAddress(ctx), ResponseHeaders.requestId(ctx));
        })
        .compose(update -> Addresses.AUTH_PROFILE_UPDATE.request(bus, update))
        .onSuccess(reply -> respond(ctx, reply))
        .onFailure(ctx::fail);
  }

  /** {@code failover: {enabled, onTimeout, circuitBreaker: {failureThreshold, openMs}}}, each part optional. */
  private static FailoverSettings.Update failover(BodyFields fields) {
    BodyFields failover = fields.optionalObject("failover", FAILOVER_FIELDS);
    if (failover == null) {
      return new FailoverSettings.Update(null, null, null, null);
    }
    String onTimeout = failover.optionalText("onTimeout", 1, 16);
    if (onTimeout != null && !ON_TIMEOUT.contains(onTimeout)) {
      failover.fail("onTimeout", "must be one of " + ON_TIMEOUT);
    }
    BodyFields breaker = failover.optionalObject("circuitBreaker", BREAKER_FIELDS);
    Long threshold = breaker == null ? null : breaker.optionalInteger("failureThreshold", 1, 1000);
    Long openMs = breaker == null ? null : breaker.optionalInteger("openMs", 1000, 3_600_000);
    return new FailoverSettings.Update(failover.optionalBoolean("enabled"), onTimeout,
        threshold == null ? null : threshold.intValue(), openMs == null ? null : openMs.intValue());
  }

  private static String gateway(BodyFields fields, String field) {
    String name = fields.optionalText(field, 1, 32);
    if (name != null && Gateway.fromWireName(name) == null) {
      fields.fail(field, "must be one of " + Gateway.allowedNames());
      return null;
    }
    return name;
  }

  private static void respond(RoutingContext ctx, Customer customer) {
    JsonReply.send(ctx, 200, AccountViews.customer(customer));
  }
}
