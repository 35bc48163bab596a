package com.apisentinel.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes immutable message objects by reference inside one JVM: no JSON copy on the hot path.
 * A clustered deployment registers a wire codec for the same classes instead.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final String name;

  private LocalCodec(Class<T> type) {
    this.name = "local:" + type.getName();
  }

  /** Registers a local default codec for every message type of the application, once per Vert.x instance. */
  public static void registerAll(EventBus eventBus) {
    register(eventBus, WriteRequest.class);
    register(eventBus, WriteResult.class);
    register(eventBus, WriterStatus.class);
    register(eventBus, RegisterCommand.class);
    register(eventBus, Registration.class);
    register(eventBus, KeyLookup.class);
    register(eventBus, Principal.class);
    register(eventBus, TokenPair.class);
    register(eventBus, SessionCommands.Login.class);
    register(eventBus, SessionCommands.Refresh.class);
    register(eventBus, SessionCommands.Logout.class);
    register(eventBus, Revocations.class);
    register(eventBus, EventsCommitted.class);
    register(eventBus, LiveQuery.class);
    register(eventBus, LiveWindowsView.class);
    register(eventBus, Customer.class);
    register(eventBus, IssuedKey.class);
    register(eventBus, AccountCommands.GetProfile.class);
    register(eventBus, AccountCommands.UpdateProfile.class);
    register(eventBus, AccountCommands.CreateKey.class);
    register(eventBus, AccountCommands.ListKeys.class);
    register(eventBus, AccountCommands.KeyListing.class);
    register(eventBus, AccountCommands.RevokeKey.class);
    register(eventBus, AccountCommands.RollKey.class);
    register(eventBus, AccountCommands.KeysUsed.class);
    register(eventBus, AccountCommands.KeysRevoked.class);
    register(eventBus, AccountCommands.SetTier.class);
    register(eventBus, AccountCommands.TierChanged.class);
  }

  private static <T> void register(EventBus eventBus, Class<T> type) {
    eventBus.registerDefaultCodec(type, new LocalCodec<>(type));
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    throw new IllegalStateException(name + " is local-only; clustered deployments need a wire codec");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException(name + " is local-only; clustered deployments need a wire codec");
  }

  /** Messages are immutable, so the receiver may share the sender's instance. */
  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
