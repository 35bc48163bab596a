package com.apisentinel.ingest;

/** The typed but unchecked values of one event as read from JSON; null = absent. Lives for one parse. */
final class EventDraft {
  String eventId;
  String occurredAt;
  String primaryGateway;
  String gatewayUsed;
  Boolean failoverUsed;
  Boolean success;
  Long amount;
  String currency;
  Long latencyMs;
  Long recoveryTimeMs;
  boolean primaryErrorPresent;
  String primaryErrorCode;
  Long primaryErrorHttpStatus;
  String primaryErrorMessage;
  MetadataWriter metadata;
}
