package com.apisentinel.bus;





import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Passes immutable message objects by reference inside one JVM: no JSON copy on the hot path.
 * A clustered deployment registers a wire codec for the same classes instead.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final String name;

  private LocalCodec(Class<T> type) {
    this.name = "local:" + type.getName();
  }

  /** Registers a local default codec for every {@link #messageTypes()}, once per Vert.x instance. */
  public static void registerAll(EventBus eventBus) {
    messageTypes().forEach(type -> register(eventBus, type));
  }

  /** Every message and reply type the {@link Addresses} declare; {@link Void} travels as a null body, with no codec. */
  static Set<Class<?>> messageTypes() {
    Set<Class<?>> types = new LinkedHashSet<>();
    for (BusAddress<?, ?> address : Addresses.all()) {
      types.add(address.messageType());
      types.add(address.replyType());
    }
    types.remove(Void.class);
    return types;
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
