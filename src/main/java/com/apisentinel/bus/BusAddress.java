package com.apisentinel.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;

/**
 * An event-bus address and what travels on it: the message type, the reply type ({@link Void} when
 * the reply has no body, or for published facts, which get none), and how long a sender waits for
 * the reply. Sending through it keeps the types and the timeout together, and the message types it
 * declares are the ones {@link LocalCodec#registerAll} registers.
 */
public final class BusAddress<M, R> {

  private final String name;
  private final Class<M> message;
  private final Class<R> reply;
  private final DeliveryOptions options;

  private BusAddress(String name, Class<M> message, Class<R> reply, Duration timeout) {
    this.name = name;
    this.message = message;
    this.reply = reply;
    this.options = timeout == null ? null : new DeliveryOptions().setSendTimeout(timeout.toMillis());
  }

  /** A request to one consumer, answered with {@code reply} within {@code timeout}. */
  static <M, R> BusAddress<M, R> request(String name, Class<M> message, Class<R> reply, Duration timeout) {
    return new BusAddress<>(name, message, reply, timeout);
  }

  /** A fact published to every consumer; nobody answers. */
  static <M> BusAddress<M, Void> fact(String name, Class<M> message) {
    return new BusAddress<>(name, message, Void.class, null);
  }

  public String name() {
    return name;
  }

  Class<M> messageType() {
    return message;
  }

  Class<R> replyType() {
    return reply;
  }

  public Future<R> request(EventBus bus, M body) {
    if (options == null) {
      throw new IllegalStateException(name + " is a fact to publish; nobody answers it");
    }
    return bus.<R>request(name, body, options).map(Message::body);
  }

  /** The same address with another timeout, where configuration decides it (the writer's ack timeout). */
  public BusAddress<M, R> withTimeout(Duration timeout) {
    return new BusAddress<>(name, message, reply, timeout);
  }

  public void publish(EventBus bus, M body) {
    bus.publish(name, body);
  }

  public MessageConsumer<M> consumer(EventBus bus, Handler<Message<M>> handler) {
    return bus.consumer(name, handler);
  }

  /** Only this node's publications: for facts that concern this node alone. */
  public MessageConsumer<M> localConsumer(EventBus bus, Handler<Message<M>> handler) {
    return bus.localConsumer(name, handler);
  }

  @Override
  public String toString() {
    return name;
  }
}
