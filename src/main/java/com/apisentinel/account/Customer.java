package com.apisentinel.account;

import java.time.Instant;
import java.util.UUID;

/** A customer's profile as the API shows it. */
public record Customer(UUID id, String email, String companyName, String tier, String primaryGateway,
                       String secondaryGateway, FailoverSettings failover, Instant createdAt, Instant updatedAt) {
}
