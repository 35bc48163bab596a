package com.apisentinel.writer;

import com.apisentinel.bus.WriteRequest;
import com.apisentinel.quota.Metered;
import io.vertx.core.eventbus.Message;
import java.util.UUID;

/** A request waiting in the writer's queue, with the message to answer once its fate is known. */
record PendingWrite(Message<WriteRequest> message, long enqueuedAtNanos) implements Metered {

  WriteRequest request() {
    return message.body();
  }

  @Override
  public UUID customerId() {
    return message.body().customerId();
  }

  @Override
  public int events() {
    return message.body().events().size();
  }
}
