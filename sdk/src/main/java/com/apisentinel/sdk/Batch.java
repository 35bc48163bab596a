package com.apisentinel.sdk;

import java.util.Arrays;

/**
 * Events taken from the queue together, with consecutive sequence numbers from {@link #firstSeq}.
 * A batch keeps its events across retries, so every attempt carries the same eventIds and the
 * server's idempotency turns at-least-once delivery into exactly-once storage. Confined to the
 * sender thread.
 */
final class Batch {

  final long firstSeq;
  final PaymentEvent[] events;
  /** Each event's spool segment, settled when the batch is. */
  final long[] segments;
  /** The batch's number in this client, for its request ids; 0 until first sent. */
  long number;
  /** Attempts made so far (the first send is attempt 1). */
  int attempts;
  /** When a batch waiting to be retried may go again ({@link System#nanoTime()}). */
  long dueAt;

  Batch(long firstSeq, PaymentEvent[] events, long[] segments) {
    this.firstSeq = firstSeq;
    this.events = events;
    this.segments = segments;
  }

  int size() {
    return events.length;
  }

  /** One past the last sequence number. */
  long endSeq() {
    return firstSeq + events.length;
  }

  /** Two halves, for a body the server found too large (413); each half starts its attempts afresh. */
  Batch[] halves() {
    int mid = events.length / 2;
    return new Batch[] {
        new Batch(firstSeq, Arrays.copyOfRange(events, 0, mid), Arrays.copyOfRange(segments, 0, mid)),
        new Batch(firstSeq + mid, Arrays.copyOfRange(events, mid, events.length),
            Arrays.copyOfRange(segments, mid, segments.length))
    };
  }
}
