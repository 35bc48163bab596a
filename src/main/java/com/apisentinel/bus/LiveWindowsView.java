package com.apisentinel.bus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A customer's rolling windows by name ("1m", "5m", "15m"), in insertion order, overall and per
 * primary gateway (gateways in name order).
 */
public record LiveWindowsView(Map<String, Window> windows, Map<String, Map<String, Window>> gateways) {

  public LiveWindowsView {
    windows = Collections.unmodifiableMap(new LinkedHashMap<>(windows));
    gateways = Collections.unmodifiableMap(new TreeMap<>(gateways));
  }

  /** Percentiles are null when the window holds no recovery. */
  public record Window(long events, double eventsPerSecond, double failoverRate, Long recoveryTimeP50,
                       Long recoveryTimeP95, Long recoveryTimeP99) {
  }
}
