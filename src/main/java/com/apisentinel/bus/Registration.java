package com.apisentinel.bus;

import java.time.Instant;
import java.util.UUID;

/** A new customer and its first API key, whose full value ({@code key}) is shown this once only. */
public record Registration(Customer customer, IssuedKey apiKey, TokenPair tokens) {

  public record Customer(UUID id, String email, String companyName, String tier, String primaryGateway,
                         String secondaryGateway, Instant createdAt, Instant updatedAt) {
  }

  public record IssuedKey(UUID id, String name, String key, String prefix, Instant createdAt) {

    @Override
    public String toString() {
      return "IssuedKey[id=" + id + ", prefix=" + prefix + "]";
    }
  }
}
