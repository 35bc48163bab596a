package com.apisentinel.http;

import com.apisentinel.account.Customer;
import com.apisentinel.account.FailoverSettings;
import com.apisentinel.auth.IssuedKey;
import com.apisentinel.auth.KeyView;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The JSON shapes of customers and keys, as API.md names their fields; absent times are null. */
final class AccountViews {

  private AccountViews() {
  }

  static JsonObject customer(Customer c) {
    return new JsonObject()
        .put("id", c.id().toString()).put("email", c.email()).put("companyName", c.companyName())
        .put("tier", c.tier()).put("primaryGateway", c.primaryGateway()).put("secondaryGateway", c.secondaryGateway())
        .put("failover", failover(c.failover()))
        .put("createdAt", time(c.createdAt())).put("updatedAt", time(c.updatedAt()));
  }

  /** The failover settings as the profile and GET /api/v1/sdk/config show them. */
  static JsonObject failover(FailoverSettings f) {
    return new JsonObject().put("enabled", f.enabled()).put("onTimeout", f.onTimeout())
        .put("circuitBreaker", new JsonObject().put("failureThreshold", f.failureThreshold()).put("openMs", f.openMs()));
  }

  static JsonObject issuedKey(IssuedKey k) {
    return new JsonObject()
        .put("id", k.id().toString()).put("name", k.name()).put("key", k.key()).put("prefix", k.prefix())
        .put("createdAt", time(k.createdAt())).put("expiresAt", time(k.expiresAt()));
  }

  static JsonObject keyView(KeyView k) {
    return new JsonObject()
        .put("id", k.id().toString()).put("name", k.name()).put("prefix", k.prefix())
        .put("createdAt", time(k.createdAt())).put("lastUsedAt", time(k.lastUsedAt()))
        .put("expiresAt", time(k.expiresAt())).put("revokedAt", time(k.revokedAt()));
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
