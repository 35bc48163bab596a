package com.apisentinel.store;

import com.apisentinel.auth.IssuedKey;
import com.apisentinel.auth.KeyView;
import com.apisentinel.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** API keys: stored as SHA-256 with a display prefix. Every query is scoped by the owning customer. */
public final class ApiKeyStore {

  private static final String INSERT = """
      INSERT INTO api_keys (id, customer_id, name, key_hash, prefix, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6)
      RETURNING created_at""";
  private static final String FIND_ACTIVE = """
      SELECT k.id, k.customer_id, c.tier
        FROM api_keys k JOIN customers c ON c.id = k.customer_id
       WHERE k.key_hash = $1
         AND k.revoked_at IS NULL
         AND (k.expires_at IS NULL OR k.expires_at > now())""";
  private static final String LIST = """
      SELECT id, name, prefix, created_at, last_used_at, expires_at, revoked_at
        FROM api_keys WHERE customer_id = $1 ORDER BY created_at, id""";
  private static final String REVOKE = """
      UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
       WHERE id = $1 AND customer_id = $2
      RETURNING key_hash""";
  private static final String LOCK_LIVE = """
      SELECT name, key_hash FROM api_keys
       WHERE id = $1 AND customer_id = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
         FOR UPDATE""";
  private static final String EXPIRE = """
      UPDATE api_keys SET expires_at = least(coalesce(expires_at, $2), $2) WHERE id = $1""";
  /**
   * The time of the last real use, as the node saw it; it never goes back (another node may report an
   * older use later) and never lies after the revocation (a node may still serve a revoked key from
   * its cache for under a second). The rows are locked in id order first: two nodes reporting the
   * same keys at once then wait for each other instead of deadlocking (an UPDATE ... FROM locks in
   * whatever order its join runs).
   */
  private static final String MARK_USED = """
      WITH locked AS (SELECT id FROM api_keys WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE)
      UPDATE api_keys k
         SET last_used_at = GREATEST(k.last_used_at, LEAST(u.at, coalesce(k.revoked_at, u.at)))
        FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)
       WHERE k.id = u.id AND k.id IN (SELECT id FROM locked)""";

  private final Pool pool;

  public ApiKeyStore(Pool pool) {
    this.pool = pool;
  }

  /** A key to store: the hash and prefix only; {@code key} is echoed back in the answer, never written. */
  public record NewKey(String name, String key, byte[] hash, String prefix, Instant expiresAt) {
    @Override
    public String toString() {
      return "NewKey[prefix=" + prefix + "]";
    }
  }

  /** What rolling a key did: the new key, and the old key's hash if it stopped working at once. */
  public record Rolled(IssuedKey key, String revokedHashHex) {
  }

  static Future<IssuedKey> insert(SqlClient client, UUID customerId, NewKey key) {
    UUID id = UUID.randomUUID();
    Tuple params = Tuple.of(id, customerId, key.name(), Buffer.buffer(key.hash()), key.prefix(), utc(key.expiresAt()));
    return client.preparedQuery(INSERT).execute(params).map(rows -> new IssuedKey(id, key.name(), key.key(),
        key.prefix(), rows.iterator().next().getOffsetDateTime("created_at").toInstant(), key.expiresAt()));
  }

  public Future<IssuedKey> create(UUID customerId, NewKey key) {
    return insert(pool, customerId, key);
  }

  /** @return the key's owner, or null when no active key has this hash */
  public Future<Principal> findActive(byte[] keyHash) {
    return pool.preparedQuery(FIND_ACTIVE).execute(Tuple.of(Buffer.buffer(keyHash))).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return Principal.ofKey(row.getUUID("customer_id"), row.getUUID("id"), row.getString("tier"));
    });
  }

  public Future<List<KeyView>> list(UUID customerId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(customerId)).map(rows -> {
      List<KeyView> keys = new ArrayList<>();
      for (Row row : rows) {
        keys.add(new KeyView(row.getUUID("id"), row.getString("name"), row.getString("prefix"),
            instant(row, "created_at"), instant(row, "last_used_at"), instant(row, "expires_at"),
            instant(row, "revoked_at")));
      }
      return keys;
    });
  }

  /** @return the revoked key's hash (hex), or null when the customer has no such key */
  public Future<String> revoke(UUID customerId, UUID keyId) {
    return pool.preparedQuery(REVOKE).execute(Tuple.of(keyId, customerId)).map(rows -> rows.size() == 0 ? null
        : HexFormat.of().formatHex(rows.iterator().next().getBuffer("key_hash").getBytes()));
  }

  /**
   * Creates the successor under the same name and lets the old key expire after the grace period,
   * in one transaction. @return null when the customer has no such live key
   */
  public Future<Rolled> roll(UUID customerId, UUID keyId, NewKey successor, long gracePeriodSeconds) {
    return pool.withTransaction(connection -> connection.preparedQuery(LOCK_LIVE).execute(Tuple.of(keyId, customerId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          Row old = rows.iterator().next();
          NewKey named = new NewKey(old.getString("name"), successor.key(), successor.hash(), successor.prefix(),
              successor.expiresAt());
          Future<Void> retire = gracePeriodSeconds == 0
              ? connection.preparedQuery(REVOKE).execute(Tuple.of(keyId, customerId)).mapEmpty()
              : connection.preparedQuery(EXPIRE).execute(Tuple.of(keyId,
                  OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(gracePeriodSeconds))).mapEmpty();
          String oldHash = gracePeriodSeconds == 0
              ? HexFormat.of().formatHex(old.getBuffer("key_hash").getBytes()) : null;
          return retire.compose(v -> insert(connection, customerId, named)).map(key -> new Rolled(key, oldHash));
        }));
  }

  /** One statement for every key an HTTP verticle saw in its last reporting interval. */
  public Future<Void> markUsed(Map<UUID, Instant> lastUsed) {
    UUID[] ids = lastUsed.keySet().toArray(UUID[]::new);
    OffsetDateTime[] times = Arrays.stream(ids).map(id -> utc(lastUsed.get(id))).toArray(OffsetDateTime[]::new);
    return pool.preparedQuery(MARK_USED).execute(Tuple.tuple().addArrayOfUUID(ids).addArrayOfOffsetDateTime(times))
        .mapEmpty();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }
}
