package com.apisentinel.bus;

import java.util.Map;

/** A customer's rolling windows by name ("1m", "5m", "15m"), in insertion order. */
public record LiveWindowsView(Map<String, Window> windows) {

  public LiveWindowsView {
    windows = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(windows));
  }

  /** Percentiles are null when the window holds no recovery. */
  public record Window(long events, double eventsPerSecond, double failoverRate, Long recoveryTimeP50,
                       Long recoveryTimeP95, Long recoveryTimeP99) {
  }
}
