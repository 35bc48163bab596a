package com.apisentinel.ingest;

import com.apisentinel.body.FieldError;

import java.util.List;

/**
 * The fate of one event of a request, in request order: valid ({@code event} set), a repeat of an
 * earlier {@code eventId} of the same request (with the same payload, or a different one: a
 * conflict), or rejected with its field errors. {@code eventId} echoes what the client sent (or the
 * one generated for it); null when it was unusable.
 */
public record ParsedEvent(String eventId, Event event, boolean repeatInRequest, boolean conflictInRequest,
                          List<FieldError> errors) {

  static ParsedEvent valid(Event event) {
    return new ParsedEvent(event.eventId(), event, false, false, List.of());
  }

  /** {@code event} repeats {@code first}'s id: a duplicate if it says the same, else a conflict. */
  static ParsedEvent repeatOf(Event first, Event event) {
    return new ParsedEvent(event.eventId(), null, true, !event.samePayloadAs(first), List.of());
  }

  static ParsedEvent rejected(String eventId, List<FieldError> errors) {
    return new ParsedEvent(eventId, null, false, false, List.copyOf(errors));
  }

  public boolean isValid() {
    return event != null;
  }
}
