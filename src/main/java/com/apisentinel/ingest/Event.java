package com.apisentinel.ingest;

import java.time.Instant;

import java.util.Objects;

/**
 * One validated payment event, ready to store. Optional fields are null when absent;
 * {@code metadataJson} is the compact serialized metadata object; {@code occurredAtGiven} is false
 * when the client left {@code occurredAt} out and the time of receipt stands in for it.
 */
public record Event(String eventId, Instant occurredAt, Gateway primaryGateway, Gateway gatewayUsed,
                    boolean failoverUsed, boolean success, long amount, String currency, Integer latencyMs,
                    Integer recoveryTimeMs, String primaryErrorCode, Integer primaryErrorHttpStatus,
                    String primaryErrorMessage, String metadataJson, boolean occurredAtGiven) {

  /**
   * Whether this event, sent again under {@code first}'s id, says the same thing (API.md: every
   * field but an {@code occurredAt} the server defaulted); if not, it is an idempotency conflict.
   */
  public boolean samePayloadAs(Event first) {
    return primaryGateway == first.primaryGateway && gatewayUsed == first.gatewayUsed
        && failoverUsed == first.failoverUsed && success == first.success && amount == first.amount
        && currency.equals(first.currency) && Objects.equals(latencyMs, first.latencyMs)
        && Objects.equals(recoveryTimeMs, first.recoveryTimeMs) && Objects.equals(primaryErrorCode, first.primaryErrorCode)
        && Objects.equals(primaryErrorHttpStatus, first.primaryErrorHttpStatus)
        && Objects.equals(primaryErrorMessage, first.primaryErrorMessage) && Objects.equals(metadataJson, first.metadataJson)
        && (!occurredAtGiven || occurredAt.equals(first.occurredAt));
  }
}
