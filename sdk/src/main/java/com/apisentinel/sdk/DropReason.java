package com.apisentinel.sdk;

/** Why an event never reached the server. Each is counted in {@link SentinelStats#dropped()}. */
public enum DropReason {
  /** The queue was full (events or bytes): the newest event is the one refused. */
  QUEUE_FULL,
  /** The event alone is larger than a batch may be. */
  TOO_LARGE,
  /** {@link SentinelClient#track} was called after {@link SentinelClient#close()}. */
  CLIENT_CLOSED,
  /** {@code close()} ran out of time before the event was acknowledged, and there is no spool to keep it. */
  UNSENT_AT_CLOSE,
  /** The SDK failed unexpectedly while taking the event (a bug: please report it). */
  INTERNAL_ERROR
}
