package com.apisentinel.bus;

import java.util.Set;
import java.util.UUID;

/**
 * Access tokens and refresh families that must be refused before they expire. A {@code snapshot}
 * replaces what a receiver holds (the periodic full list); otherwise it is added (an immediate
 * revocation on this node).
 */
public record Revocations(Set<UUID> tokens, Set<UUID> families, boolean snapshot) {

  public Revocations {
    tokens = Set.copyOf(tokens);
    families = Set.copyOf(families);
  }
}
