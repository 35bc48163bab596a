package com.apisentinel.bus;

import java.util.List;
import java.util.UUID;

/**
 * Published by the writer after each COMMIT, with the events that batch newly stored (never
 * duplicates): the only feed of the live windows, so only committed events count.
 */
public record EventsCommitted(List<Committed> events) {

  public EventsCommitted {
    events = List.copyOf(events);
  }

  /** What the live windows need of one event; {@code recoveryTimeMs} is null unless it failed over. */
  public record Committed(UUID customerId, String primaryGateway, boolean failoverUsed, boolean success,
                          Integer recoveryTimeMs) {
  }
}
