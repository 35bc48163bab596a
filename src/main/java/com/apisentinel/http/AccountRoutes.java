package com.apisentinel.http;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.RegisterCommand;
import com.apisentinel.bus.Registration;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** POST /api/v1/customers/register. Tokens and the rest of account management build on this. */
final class AccountRoutes implements RouteGroup {

  static final String REGISTER_PATH = "/api/v1/customers/register";

  private final EventBus bus;

  AccountRoutes(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public void mount(Router router, Authentication auth) {
    router.post(REGISTER_PATH).handler(auth.registrationThrottle()).handler(this::register);
  }

  private void register(RoutingContext ctx) {
    ctx.request().pause();
    RequestBody.readObject(ctx)
        .map(RegistrationRules::validate)
        .compose(valid -> Addresses.AUTH_REGISTER.request(bus, new RegisterCommand(valid.email(),
            valid.password(), valid.companyName(), SessionRoutes.clientAddress(ctx),
            ResponseHeaders.requestId(ctx))))
        .onSuccess(registration -> JsonReply.send(ctx, 201, toJson(registration)))
        .onFailure(ctx::fail);
  }

  private static JsonObject toJson(Registration registration) {
    return SessionRoutes.tokensJson(registration.tokens())
        .put("customer", AccountViews.customer(registration.customer()))
        .put("apiKey", AccountViews.issuedKey(registration.apiKey()));
  }
}
