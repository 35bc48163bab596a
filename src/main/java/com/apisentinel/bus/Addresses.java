package com.apisentinel.bus;

/** Every event-bus address, in one place. */
public final class Addresses {

  /** {@link WriteRequest} to the batching writer; replies {@link WriteResult} after COMMIT. */
  public static final String EVENTS_WRITE = "events.write";
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

  private Addresses() {
  }
}
