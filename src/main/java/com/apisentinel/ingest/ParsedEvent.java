package com.apisentinel.ingest;

import com.apisentinel.body.FieldError;
import java.util.List;

/**
 * The fate of one event of a request, in request order: valid ({@code event} set) or rejected with
 * its field errors. {@code eventId} echoes what the client sent (or the one generated for it); null
 * when it was unusable. An eventId repeated within the request is valid here: whether it is a
 * duplicate or a conflict is the writer's to say, against what is stored.
 */
public record ParsedEvent(String eventId, Event event, List<FieldError> errors) {

  static ParsedEvent valid(Event event) {
    return new ParsedEvent(event.eventId(), event, List.of());
  }

  static ParsedEvent rejected(String eventId, List<FieldError> errors) {
    return new ParsedEvent(eventId, null, List.copyOf(errors));
  }

  public boolean isValid() {
    return event != null;
  }
}
