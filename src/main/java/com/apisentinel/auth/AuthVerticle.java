package com.apisentinel.auth;

import com.apisentinel.bus.AccountCommands;
import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.Failures;
import com.apisentinel.bus.KeyLookup;
import com.apisentinel.bus.RegisterCommand;
import com.apisentinel.bus.Registration;
import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.config.JwtConfig;
import com.apisentinel.limits.RateLimitedLog;
import com.apisentinel.store.AccountStore;
import com.apisentinel.store.ApiKeyStore;
import com.apisentinel.store.AuditLog;
import com.apisentinel.store.Database;
import com.apisentinel.store.EmailTakenException;
import com.apisentinel.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns customers' credentials: registration, logins and sessions (argon2id on workers), API key
 * lookups, and the revocation list every HTTP verticle enforces (polled from PostgreSQL, so
 * revocations made on other nodes arrive within {@link #REVOCATION_POLL_MS}).
 */
public final class AuthVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);
  /** Storage failures answer requests a client can repeat at will: logged at most once per 10 s, with a count. */
  private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  static final String FIRST_KEY_NAME = "default";
  private static final long REVOCATION_POLL_MS = 1000;
  /** Expired revocations and refresh tokens are deleted this often (and once shortly after start). */
  private static final long PURGE_EVERY_MS = 3_600_000;
  private static final long FIRST_PURGE_AFTER_MS = 5_000;

  private final DatabaseConfig database;
  private final JwtConfig jwt;
  private Pool pool;
  private AccountStore accounts;
  private ApiKeyStore keys;
  private SessionStore sessionStore;
  private AuditLog audit;
  private SessionService sessions;
  private AccountService accountService;
  private long revocationTimer;
  private long purgeTimer;
  private long firstPurgeTimer;

  public AuthVerticle(DatabaseConfig database, JwtConfig jwt) {
    this.database = database;
    this.jwt = jwt;
  }

  @Override
  public Future<?> start() {
    pool = Database.sharedPool(vertx, database);
    accounts = new AccountStore(pool);
    keys = new ApiKeyStore(pool);
    sessionStore = new SessionStore(pool);
    audit = new AuditLog(pool);
    sessions = new SessionService(vertx, jwt, accounts, sessionStore, audit);
    accountService = new AccountService(vertx, accounts, keys, audit);
    revocationTimer = vertx.setPeriodic(REVOCATION_POLL_MS, id -> publishRevocations());
    firstPurgeTimer = vertx.setTimer(FIRST_PURGE_AFTER_MS, id -> purgeExpired());
    purgeTimer = vertx.setPeriodic(PURGE_EVERY_MS, id -> purgeExpired());
    var bus = vertx.eventBus();
    return Future.all(List.of(
        Addresses.AUTH_REGISTER.consumer(bus, this::register).completion(),
        Addresses.AUTH_KEY_LOOKUP.consumer(bus, this::lookupKey).completion(),
        Addresses.AUTH_LOGIN.consumer(bus, m -> answer(m, sessions::login)).completion(),
        Addresses.AUTH_REFRESH.consumer(bus, m -> answer(m, sessions::refresh)).completion(),
        Addresses.AUTH_LOGOUT.consumer(bus, m -> answer(m, sessions::logout)).completion(),
        Addresses.AUTH_PROFILE_GET.consumer(bus, m -> answer(m, accountService::profile)).completion(),
        Addresses.AUTH_PROFILE_UPDATE.consumer(bus, m -> answer(m, accountService::updateProfile)).completion(),
        Addresses.AUTH_SET_TIER.consumer(bus, m -> answer(m, accountService::setTier)).completion(),
        Addresses.AUTH_KEYS_CREATE.consumer(bus, m -> answer(m, accountService::createKey)).completion(),
        Addresses.AUTH_KEYS_LIST.consumer(bus, m -> answer(m, accountService::listKeys)).completion(),
        Addresses.AUTH_KEYS_REVOKE.consumer(bus, m -> answer(m, accountService::revokeKey)).completion(),
        Addresses.AUTH_KEYS_ROLL.consumer(bus, m -> answer(m, accountService::rollKey)).completion(),
        Addresses.HTTP_KEYS_USED.consumer(bus, this::keysUsed).completion()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(revocationTimer);
    vertx.cancelTimer(purgeTimer);
    vertx.cancelTimer(firstPurgeTimer);
    return pool.close();
  }

  private void register(Message<RegisterCommand> message) {
    RegisterCommand command = message.body();
    vertx.executeBlocking(() -> Passwords.hash(command.password()), false)
        .compose(passwordHash -> accounts.register(new AccountStore.NewAccount(command.email(),
            EmailAddresses.normalize(command.email()), passwordHash, command.companyName(),
            AccountService.newKey(FIRST_KEY_NAME, null))))
        .compose(registered -> sessions.open(registered.customer().id(), registered.customer().tier())
            .map(tokens -> new Registration(registered.customer(), registered.key(), tokens)))
        .onSuccess(registration -> {
          audit.record(registration.customer().id(), "register", command.clientAddress(), command.requestId(), null);
          message.reply(registration);
        })
        .onFailure(failure -> {
          if (failure instanceof EmailTakenException) {
            message.fail(Failures.EMAIL_TAKEN, "email taken");
          } else {
            fail(message, failure);
          }
        });
  }

  private void lookupKey(Message<KeyLookup> message) {
    keys.findActive(HexFormat.of().parseHex(message.body().keyHash()))
        .onSuccess(principal -> replyPrincipal(message, principal))
        .onFailure(failure -> fail(message, failure));
  }

  private void keysUsed(Message<AccountCommands.KeysUsed> message) {
    accountService.keysUsed(message.body())
        .onFailure(failure -> LOG.debug("lastUsedAt not recorded: {}", failure.toString()));
  }

  private static void replyPrincipal(Message<KeyLookup> message, Principal principal) {
    if (principal == null) {
      message.fail(Failures.UNAUTHENTICATED, "unknown or revoked key");
    } else {
      message.reply(principal);
    }
  }

  private static <T, R> void answer(Message<T> message, Function<T, Future<R>> handler) {
    handler.apply(message.body()).onSuccess(message::reply).onFailure(failure -> fail(message, failure));
  }

  /** Failures a client caused travel with their code; anything else is storage trouble (503). */
  private static void fail(Message<?> message, Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureCode() > 0) {
      message.fail(reply.failureCode(), reply.getMessage());
    } else {
      FAILURES.warn("auth request on {} failed: {}", message.address(), failure.toString());
      message.fail(Failures.STORAGE_UNAVAILABLE, "storage unavailable");
    }
  }

  private void purgeExpired() {
    sessionStore.purgeExpired()
        .onSuccess(deleted -> LOG.info("purged {} expired revocation and refresh-token rows", deleted))
        .onFailure(failure -> LOG.warn("purging expired sessions failed: {}", failure.toString()));
  }

  private void publishRevocations() {
    sessionStore.activeRevocations()
        .onSuccess(snapshot -> Addresses.AUTH_REVOCATIONS.publish(vertx.eventBus(), snapshot))
        .onFailure(failure -> LOG.debug("revocation poll failed: {}", failure.toString()));
  }
}
