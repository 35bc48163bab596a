package com.apisentinel.http;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.RegisterCommand;
import com.apisentinel.bus.Registration;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpHeaders;
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
    SessionRoutes.readObject(ctx)
        .map(RegistrationRules::validate)
        .compose(valid -> bus.<Registration>request(Addresses.AUTH_REGISTER, new RegisterCommand(valid.email(),
            valid.password(), valid.companyName(), SessionRoutes.clientAddress(ctx),
            ResponseHeaders.requestId(ctx))))
        .map(Message::body)
        .onSuccess(registration -> ctx.response().setStatusCode(201)
            .putHeader(HttpHeaders.CONTENT_TYPE, IngestRoutes.APPLICATION_JSON)
            .end(toJson(registration).toBuffer()))
        .onFailure(ctx::fail);
  }

  private static JsonObject toJson(Registration registration) {
    Registration.Customer c = registration.customer();
    Registration.IssuedKey k = registration.apiKey();
    return SessionRoutes.tokensJson(registration.tokens())
        .put("customer", new JsonObject()
            .put("id", c.id().toString()).put("email", c.email()).put("companyName", c.companyName())
            .put("tier", c.tier()).put("primaryGateway", c.primaryGateway())
            .put("secondaryGateway", c.secondaryGateway())
            .put("createdAt", c.createdAt().toString()).put("updatedAt", c.updatedAt().toString()))
        .put("apiKey", new JsonObject()
            .put("id", k.id().toString()).put("name", k.name()).put("key", k.key()).put("prefix", k.prefix())
            .put("createdAt", k.createdAt().toString()));
  }
}
