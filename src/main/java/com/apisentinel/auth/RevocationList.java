package com.apisentinel.auth;

import com.apisentinel.bus.Revocations;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * One HTTP verticle's copy of the revoked access tokens and refresh families, fed from the bus:
 * immediate additions from this node's auth verticle, and a full snapshot every poll (which also
 * carries other nodes' revocations and drops expired ones). A snapshot read just before a
 * revocation committed would miss it, so immediate additions outlive snapshots for a while.
 * Event-loop confined.
 */
public final class RevocationList {

  private static final long KEEP_ADDITIONS_NANOS = 10_000_000_000L;

  private record Addition(Revocations revocations, long atNanos) {
  }

  private final LongSupplier nanoClock;
  private final Deque<Addition> recent = new ArrayDeque<>();
  private Set<UUID> tokens = new HashSet<>();
  private Set<UUID> families = new HashSet<>();

  public RevocationList(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  public void apply(Revocations revocations) {
    long now = nanoClock.getAsLong();
    if (revocations.snapshot()) {
      tokens = new HashSet<>(revocations.tokens());
      families = new HashSet<>(revocations.families());
      while (!recent.isEmpty() && now - recent.peekFirst().atNanos > KEEP_ADDITIONS_NANOS) {
        recent.pollFirst();
      }
      recent.forEach(addition -> add(addition.revocations));
    } else {
      recent.addLast(new Addition(revocations, now));
      add(revocations);
    }
  }

  public boolean isRevoked(Principal.Session session) {
    return tokens.contains(session.tokenId()) || families.contains(session.familyId());
  }

  private void add(Revocations revocations) {
    tokens.addAll(revocations.tokens());
    families.addAll(revocations.families());
  }
}
