package com.apisentinel.auth;

import com.apisentinel.account.Customer;
import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.Failures;
import com.apisentinel.store.AccountStore;
import com.apisentinel.store.ApiKeyStore;
import com.apisentinel.store.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;

/** Profiles and API key management, each change audited; all scoped by the calling customer. */
final class AccountService {

  private final Vertx vertx;
  private final AccountStore accounts;
  private final ApiKeyStore keys;
  private final AuditLog audit;

  AccountService(Vertx vertx, AccountStore accounts, ApiKeyStore keys, AuditLog audit) {
    this.vertx = vertx;
    this.accounts = accounts;
    this.keys = keys;
    this.audit = audit;
  }

  static ApiKeyStore.NewKey newKey(String name, Instant expiresAt) {
    ApiKeys.Generated generated = ApiKeys.generate();
    return new ApiKeyStore.NewKey(name, generated.key(), generated.hash(), generated.prefix(), expiresAt);
  }

  Future<Customer> profile(AccountCommands.GetProfile query) {
    return accounts.profile(query.customerId()).compose(AccountService::found);
  }

  Future<Customer> updateProfile(AccountCommands.UpdateProfile update) {
    return accounts.updateProfile(update.customerId(), update.companyName(), update.primaryGateway(),
            update.secondaryGateway(), update.failover())
        .recover(failure -> Future.failedFuture(failure instanceof AccountStore.SameGatewaysException
            ? new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failures.INVALID_FIELD,
                (update.secondaryGateway() != null ? "secondaryGateway" : "primaryGateway")
                    + "|primaryGateway and secondaryGateway must differ")
            : failure))
        .compose(AccountService::found)
        .onSuccess(customer -> audit.record(update.customerId(), "profile.update", update.clientAddress(),
            update.requestId(), new JsonObject().put("fields", changedFields(update))));
  }

  /** The customer's keys are re-read at once on this node (other nodes: within the key cache TTL). */
  Future<Customer> setTier(AccountCommands.SetTier change) {
    return accounts.setTier(change.customerId(), change.tier()).compose(AccountService::found)
        .onSuccess(customer -> {
          Addresses.AUTH_TIER_CHANGED.publish(vertx.eventBus(), new AccountCommands.TierChanged(customer.id()));
          audit.record(customer.id(), "customer.tier", change.clientAddress(), change.requestId(),
              new JsonObject().put("tier", change.tier()));
        });
  }

  private static JsonArray changedFields(AccountCommands.UpdateProfile update) {
    JsonArray changed = new JsonArray();
    if (update.companyName() != null) {
      changed.add("companyName");
    }
    if (update.primaryGateway() != null) {
      changed.add("primaryGateway");
    }
    if (update.secondaryGateway() != null) {
      changed.add("secondaryGateway");
    }
    if (!update.failover().isEmpty()) {
      changed.add("failover");
    }
    return changed;
  }

  Future<IssuedKey> createKey(AccountCommands.CreateKey create) {
    return keys.create(create.customerId(), newKey(create.name(), create.expiresAt()))
        .onSuccess(key -> audit.record(create.customerId(), "key.create", create.clientAddress(),
            create.requestId(), keyDetail(key)));
  }

  Future<AccountCommands.KeyListing> listKeys(AccountCommands.ListKeys query) {
    return keys.list(query.customerId()).map(AccountCommands.KeyListing::new);
  }

  Future<Void> revokeKey(AccountCommands.RevokeKey revoke) {
    return keys.revoke(revoke.customerId(), revoke.keyId()).compose(AccountService::found).map(hash -> {
      evictFromCaches(hash);
      audit.record(revoke.customerId(), "key.revoke", revoke.clientAddress(), revoke.requestId(),
          new JsonObject().put("keyId", revoke.keyId().toString()));
      return null;
    });
  }

  Future<IssuedKey> rollKey(AccountCommands.RollKey roll) {
    return keys.roll(roll.customerId(), roll.keyId(), newKey(null, null), roll.gracePeriodSeconds())
        .compose(AccountService::found)
        .map(rolled -> {
          if (rolled.revokedHashHex() != null) {
            evictFromCaches(rolled.revokedHashHex());
          }
          audit.record(roll.customerId(), "key.roll", roll.clientAddress(), roll.requestId(),
              keyDetail(rolled.key()).put("previousKeyId", roll.keyId().toString())
                  .put("gracePeriodSeconds", roll.gracePeriodSeconds()));
          return rolled.key();
        });
  }

  Future<Void> keysUsed(AccountCommands.KeysUsed used) {
    return used.lastUsed().isEmpty() ? Future.succeededFuture() : keys.markUsed(used.lastUsed());
  }

  /** This node's caches forget the key at once; other nodes' within their cache TTL. */
  private void evictFromCaches(String keyHashHex) {
    Addresses.AUTH_KEYS_REVOKED.publish(vertx.eventBus(), new AccountCommands.KeysRevoked(Set.of(keyHashHex)));
  }

  private static JsonObject keyDetail(IssuedKey key) {
    return new JsonObject().put("keyId", key.id().toString()).put("prefix", key.prefix());
  }

  private static <T> Future<T> found(T value) {
    return value != null ? Future.succeededFuture(value)
        : Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failures.NOT_FOUND, "not found"));
  }
}
