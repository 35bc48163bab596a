package com.apisentinel.bus;

import com.apisentinel.account.Customer;
import com.apisentinel.auth.IssuedKey;
import com.apisentinel.auth.Principal;
import com.apisentinel.auth.TokenPair;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every event-bus address, in one place, with its message and reply types and its timeout. Names
 * read {@code <verticle>.<subject>.<verb>}: the verticle that owns the address (the one that
 * answers a request, or publishes a fact), what it is about, and an imperative for a request
 * ({@code get}, {@code create}) or a past participle for a fact ({@code committed}, {@code revoked}).
 */
public final class Addresses {

  /** Look-ups made while an HTTP request waits (API keys, a session's plan) give up sooner than commands. */
  public static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);
  /** Account commands may queue behind argon2 hashing on the workers, but never for the bus's 30 s default. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
  /** The metrics verticle answers from memory. */
  private static final Duration IN_MEMORY_TIMEOUT = Duration.ofSeconds(2);
  /** Readiness must answer before the probe's own timeout. */
  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(1);

  /** Replies after COMMIT; senders wait the configured {@code writer.ackTimeoutMs} instead of this default. */
  public static final BusAddress<WriteRequest, WriteResult> EVENTS_WRITE =
      BusAddress.request("writer.events.write", WriteRequest.class, WriteResult.class, Duration.ofSeconds(2));
  public static final BusAddress<Void, WriterStatus> WRITER_STATUS =
      BusAddress.request("writer.status.get", Void.class, WriterStatus.class, STATUS_TIMEOUT);
  /** After every COMMIT, for the live metrics of this node. */
  public static final BusAddress<EventsCommitted, Void> EVENTS_COMMITTED =
      BusAddress.fact("writer.events.committed", EventsCommitted.class);

  public static final BusAddress<LiveQuery, LiveWindowsView> LIVE_GET =
      BusAddress.request("metrics.live.get", LiveQuery.class, LiveWindowsView.class, IN_MEMORY_TIMEOUT);

  public static final BusAddress<RegisterCommand, Registration> AUTH_REGISTER =
      BusAddress.request("auth.customers.register", RegisterCommand.class, Registration.class, COMMAND_TIMEOUT);
  /** Fails with {@link Failures#UNAUTHENTICATED} for an unknown key. */
  public static final BusAddress<KeyLookup, Principal> AUTH_KEY_LOOKUP =
      BusAddress.request("auth.keys.lookup", KeyLookup.class, Principal.class, LOOKUP_TIMEOUT);
  public static final BusAddress<SessionCommands.Login, TokenPair> AUTH_LOGIN =
      BusAddress.request("auth.sessions.login", SessionCommands.Login.class, TokenPair.class, COMMAND_TIMEOUT);
  public static final BusAddress<SessionCommands.Refresh, TokenPair> AUTH_REFRESH =
      BusAddress.request("auth.sessions.refresh", SessionCommands.Refresh.class, TokenPair.class, COMMAND_TIMEOUT);
  public static final BusAddress<SessionCommands.Logout, Void> AUTH_LOGOUT =
      BusAddress.request("auth.sessions.logout", SessionCommands.Logout.class, Void.class, COMMAND_TIMEOUT);
  /** Consumed by every HTTP verticle's revocation list. */
  public static final BusAddress<Revocations, Void> AUTH_REVOCATIONS =
      BusAddress.fact("auth.sessions.revoked", Revocations.class);

  public static final BusAddress<AccountCommands.GetProfile, Customer> AUTH_PROFILE_GET =
      BusAddress.request("auth.profiles.get", AccountCommands.GetProfile.class, Customer.class, COMMAND_TIMEOUT);
  public static final BusAddress<AccountCommands.UpdateProfile, Customer> AUTH_PROFILE_UPDATE =
      BusAddress.request("auth.profiles.update", AccountCommands.UpdateProfile.class, Customer.class,
          COMMAND_TIMEOUT);
  public static final BusAddress<AccountCommands.SetTier, Customer> AUTH_SET_TIER =
      BusAddress.request("auth.tiers.set", AccountCommands.SetTier.class, Customer.class, COMMAND_TIMEOUT);
  /** Consumed by every HTTP verticle (cached keys and plans) and the writer (quota grants). */
  public static final BusAddress<AccountCommands.TierChanged, Void> AUTH_TIER_CHANGED =
      BusAddress.fact("auth.tiers.changed", AccountCommands.TierChanged.class);
  public static final BusAddress<AccountCommands.CreateKey, IssuedKey> AUTH_KEYS_CREATE =
      BusAddress.request("auth.keys.create", AccountCommands.CreateKey.class, IssuedKey.class, COMMAND_TIMEOUT);
  public static final BusAddress<AccountCommands.ListKeys, AccountCommands.KeyListing> AUTH_KEYS_LIST =
      BusAddress.request("auth.keys.list", AccountCommands.ListKeys.class, AccountCommands.KeyListing.class,
          COMMAND_TIMEOUT);
  public static final BusAddress<AccountCommands.RevokeKey, Void> AUTH_KEYS_REVOKE =
      BusAddress.request("auth.keys.revoke", AccountCommands.RevokeKey.class, Void.class, COMMAND_TIMEOUT);
  public static final BusAddress<AccountCommands.RollKey, IssuedKey> AUTH_KEYS_ROLL =
      BusAddress.request("auth.keys.roll", AccountCommands.RollKey.class, IssuedKey.class, COMMAND_TIMEOUT);
  /** Consumed by every HTTP verticle's key cache. */
  public static final BusAddress<AccountCommands.KeysRevoked, Void> AUTH_KEYS_REVOKED =
      BusAddress.fact("auth.keys.revoked", AccountCommands.KeysRevoked.class);
  /** Published by the HTTP verticles every few seconds, consumed by the auth verticle (lastUsedAt). */
  public static final BusAddress<AccountCommands.KeysUsed, Void> HTTP_KEYS_USED =
      BusAddress.fact("http.keys.used", AccountCommands.KeysUsed.class);

  private Addresses() {
  }

  /** Every address above, read from this class, so that a new one cannot be left out. */
  static List<BusAddress<?, ?>> all() {
    List<BusAddress<?, ?>> all = new ArrayList<>();
    for (Field field : Addresses.class.getDeclaredFields()) {
      if (field.getType() == BusAddress.class && Modifier.isStatic(field.getModifiers())) {
        try {
          all.add((BusAddress<?, ?>) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("Addresses' own fields are readable", e);
        }
      }
    }
    return all;
  }
}
