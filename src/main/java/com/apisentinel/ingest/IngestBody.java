package com.apisentinel.ingest;

import java.util.List;

/** A parsed ingest body: a single event ({@code batch == false}, one item) or a batch, in request order. */
public record IngestBody(boolean batch, List<ParsedEvent> items) {

  public List<Event> validEvents() {
    return items.stream().filter(ParsedEvent::isValid).map(ParsedEvent::event).toList();
  }
}
