package com.apisentinel.http;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.RegisterCommand;
import com.apisentinel.bus.Registration;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** POST /api/v1/customers/register. Tokens and the rest of account management build on this. */
final class AccountRoutes {

  static final String REGISTER_PATH = "/api/v1/customers/register";

  private final EventBus bus;

  AccountRoutes(EventBus bus) {
    this.bus = bus;
  }

  void register(RoutingContext ctx) {
    ctx.request().pause();
    RequestBody.readObject(ctx)
        .map(RegistrationRules::validate)
        .compose(valid -> bus.<Registration>request(Addresses.AUTH_REGISTER, new RegisterCommand(valid.email(),
            valid.password(), valid.companyName(), SessionRoutes.clientAddress(ctx),
            ResponseHeaders.requestId(ctx)), BusCalls.AUTH))
        .map(Message::body)
        .onSuccess(registration -> JsonReply.send(ctx, 201, toJson(registration)))
        .onFailure(ctx::fail);
  }

  private static JsonObject toJson(Registration registration) {
    return SessionRoutes.tokensJson(registration.tokens())
        .put("customer", AccountViews.customer(registration.customer()))
        .put("apiKey", AccountViews.issuedKey(registration.apiKey()));
  }
}
