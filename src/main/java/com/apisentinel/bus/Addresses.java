package com.apisentinel.bus;

/** Every event-bus address, in one place. */
public final class Addresses {

  /** {@link WriteRequest} to the batching writer; replies {@link WriteResult} after COMMIT. */
  public static final String EVENTS_WRITE = "events.write";
  /** Published {@link EventsCommitted} after every COMMIT; consumed by the metrics verticle. */
  public static final String EVENTS_COMMITTED = "events.committed";
  /** {@link LiveQuery} to the metrics verticle; replies {@link LiveWindowsView}. */
  public static final String METRICS_QUERY = "metrics.query";
  /** Empty request; replies {@link WriterStatus}. */
  public static final String WRITER_STATUS = "writer.status";
  /** {@link RegisterCommand} to the auth verticle; replies {@link Registration}. */
  public static final String AUTH_REGISTER = "auth.register";
  /** {@link KeyLookup} to the auth verticle; replies {@link Principal} or fails with {@link Failures#UNAUTHENTICATED}. */
  public static final String AUTH_KEY_LOOKUP = "auth.key.lookup";

  /** {@link SessionCommands.Login}; replies {@link TokenPair}. */
  public static final String AUTH_LOGIN = "auth.login";
  /** {@link SessionCommands.Refresh}; replies {@link TokenPair}. */
  public static final String AUTH_REFRESH = "auth.refresh";
  /** {@link SessionCommands.Logout}; replies an empty message. */
  public static final String AUTH_LOGOUT = "auth.logout";
  /** Published {@link Revocations}, consumed by every HTTP verticle's revocation list. */
  public static final String AUTH_REVOCATIONS = "auth.revocations";

  /** {@link AccountCommands} records, one address each; see their javadoc for the replies. */
  public static final String AUTH_PROFILE_GET = "auth.profile.get";
  public static final String AUTH_PROFILE_UPDATE = "auth.profile.update";
  public static final String AUTH_SET_TIER = "auth.tier.set";
  /** Published {@link AccountCommands.TierChanged} from the auth verticle to every HTTP verticle. */
  public static final String AUTH_TIER_CHANGED = "auth.tier.changed";
  public static final String AUTH_KEYS_CREATE = "auth.keys.create";
  public static final String AUTH_KEYS_LIST = "auth.keys.list";
  public static final String AUTH_KEYS_REVOKE = "auth.keys.revoke";
  public static final String AUTH_KEYS_ROLL = "auth.keys.roll";
  /** Published {@link AccountCommands.KeysUsed} from HTTP verticles to the auth verticle. */
  public static final String AUTH_KEYS_USED = "auth.keys.used";
  /** Published {@link AccountCommands.KeysRevoked} from the auth verticle to every HTTP verticle. */
  public static final String AUTH_KEYS_REVOKED = "auth.key.revoked";

  private Addresses() {
  }
}
