package com.apisentinel.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The plans by tier name. Every tier API.md names must be configured. */
public record Plans(Map<String, Plan> byTier) {

  public static final String DEFAULT_TIER = "free";
  static final Set<String> REQUIRED = Set.of("free", "starter", "pro", "enterprise");

  public Plans {
    byTier = Map.copyOf(new TreeMap<>(byTier));
  }

  /** A tier no longer configured falls back to the free plan rather than to no limit at all. */
  public Plan of(String tier) {
    Plan plan = byTier.get(tier);
    return plan != null ? plan : byTier.get(DEFAULT_TIER);
  }

  public boolean exists(String tier) {
    return byTier.containsKey(tier);
  }
}
