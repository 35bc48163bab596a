package com.apisentinel.auth;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Answers looked up elsewhere, trusted for a TTL, at most {@code maxEntries} of them (least
 * recently used evicted first). Concurrent misses for one key share one lookup. A null answer
 * ("no such thing") is cached too. Owned by one event loop: no locks.
 */
final class LookupCache<K, V> {

  private record Entry<V>(V value, long expiresAtNanos) {
  }

  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final Map<K, Entry<V>> entries;
  private final Map<K, Future<V>> lookups = new HashMap<>();

  LookupCache(Duration ttl, int maxEntries, LongSupplier nanoClock) {
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
    this.entries = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** A failed lookup is not cached: the next request asks again. */
  Future<V> get(K key, Function<K, Future<V>> lookup) {
    Entry<V> entry = entries.get(key);
    if (entry != null && nanoClock.getAsLong() - entry.expiresAtNanos < 0) {
      return Future.succeededFuture(entry.value);
    }
    Future<V> pending = lookups.get(key);
    if (pending != null) {
      return pending;
    }
    pending = lookup.apply(key).andThen(result -> {
      lookups.remove(key);
      if (result.succeeded()) {
        entries.put(key, new Entry<>(result.result(), nanoClock.getAsLong() + ttlNanos));
      }
    });
    if (!pending.isComplete()) {
      lookups.put(key, pending);
    }
    return pending;
  }

  void remove(K key) {
    entries.remove(key);
  }

  void removeIf(Predicate<V> value) {
    entries.values().removeIf(entry -> entry.value != null && value.test(entry.value));
  }
}
