package com.apisentinel.ingest;

import java.time.Instant;

/**
 * One validated payment event, ready to store. Optional fields are null when absent;
 * {@code metadataJson} is the compact serialized metadata object; {@code occurredAtGiven} is false
 * when the client left {@code occurredAt} out and the time of receipt stands in for it.
 */
public record Event(String eventId, Instant occurredAt, Gateway primaryGateway, Gateway gatewayUsed,
                    boolean failoverUsed, boolean success, long amount, String currency, Integer latencyMs,
                    Integer recoveryTimeMs, String primaryErrorCode, Integer primaryErrorHttpStatus,
                    String primaryErrorMessage, String metadataJson, boolean occurredAtGiven) {
}
