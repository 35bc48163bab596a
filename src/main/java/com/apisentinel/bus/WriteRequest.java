package com.apisentinel.bus;

import com.apisentinel.ingest.Event;
import java.util.List;
import java.util.UUID;

/** One ingest request's valid events, in request order, with duplicates inside the request already removed. */
public record WriteRequest(UUID customerId, List<Event> events) {

  public WriteRequest {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a write request carries at least one event");
    }
    events = List.copyOf(events);
  }
}
