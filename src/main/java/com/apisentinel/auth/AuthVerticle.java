package com.apisentinel.auth;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.Failures;
import com.apisentinel.bus.KeyLookup;
import com.apisentinel.bus.Principal;
import com.apisentinel.bus.RegisterCommand;
import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.store.AccountStore;
import com.apisentinel.store.Database;
import com.apisentinel.store.EmailTakenException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Owns customers' credentials: registration (argon2id on a worker) and API key lookups. */
public final class AuthVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);
  static final String FIRST_KEY_NAME = "default";

  private final DatabaseConfig database;
  private Pool pool;
  private AccountStore accounts;

  public AuthVerticle(DatabaseConfig database) {
    this.database = database;
  }

  @Override
  public Future<?> start() {
    pool = Database.sharedPool(vertx, database);
    accounts = new AccountStore(pool);
    var bus = vertx.eventBus();
    return Future.all(
        bus.<RegisterCommand>consumer(Addresses.AUTH_REGISTER, this::register).completion(),
        bus.<KeyLookup>consumer(Addresses.AUTH_KEY_LOOKUP, this::lookupKey).completion());
  }

  @Override
  public Future<?> stop() {
    return pool.close();
  }

  private void register(Message<RegisterCommand> message) {
    RegisterCommand command = message.body();
    ApiKeys.NewKey key = ApiKeys.generate();
    vertx.executeBlocking(() -> Passwords.hash(command.password()), false)
        .compose(passwordHash -> accounts.register(new AccountStore.NewAccount(command.email(), passwordHash,
            command.companyName(), FIRST_KEY_NAME, key.key(), key.hash(), key.prefix())))
        .onSuccess(registration -> {
          LOG.info("registered customer {} (request {})", registration.customer().id(), command.requestId());
          message.reply(registration);
        })
        .onFailure(failure -> {
          if (failure instanceof EmailTakenException) {
            message.fail(Failures.EMAIL_TAKEN, "email taken");
          } else {
            LOG.warn("registration failed (request {}): {}", command.requestId(), failure.toString());
            message.fail(Failures.STORAGE_UNAVAILABLE, "storage unavailable");
          }
        });
  }

  private void lookupKey(Message<KeyLookup> message) {
    accounts.findActiveKey(HexFormat.of().parseHex(message.body().keyHash()))
        .onSuccess(principal -> replyPrincipal(message, principal))
        .onFailure(failure -> {
          LOG.warn("API key lookup failed: {}", failure.toString());
          message.fail(Failures.STORAGE_UNAVAILABLE, "storage unavailable");
        });
  }

  private static void replyPrincipal(Message<KeyLookup> message, Principal principal) {
    if (principal == null) {
      message.fail(Failures.UNAUTHENTICATED, "unknown or revoked key");
    } else {
      message.reply(principal);
    }
  }
}
