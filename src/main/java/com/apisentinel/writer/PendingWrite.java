package com.apisentinel.writer;

import com.apisentinel.bus.WriteRequest;
import io.vertx.core.eventbus.Message;

/** A request waiting in the writer's queue, with the message to answer once its fate is known. */
record PendingWrite(Message<WriteRequest> message, long enqueuedAtNanos) {

  WriteRequest request() {
    return message.body();
  }

  int size() {
    return message.body().events().size();
  }
}
