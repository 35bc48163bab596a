package com.apisentinel.bus;

import java.util.UUID;

/** Who is calling: the customer an API key belongs to. */
public record Principal(UUID customerId, UUID keyId, String tier) {
}
