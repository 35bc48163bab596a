package com.apisentinel.store;

import com.apisentinel.bus.Revocations;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/** Refresh-token families and access-token revocations. */
public final class SessionStore {

  private static final String INSERT_TOKEN = """
      INSERT INTO refresh_tokens (id, family_id, customer_id, token_hash, expires_at)
      VALUES ($1, $2, $3, $4, $5)""";
  private static final String LOCK_TOKEN = """
      SELECT r.family_id, r.customer_id, r.used_at, r.revoked_at, r.expires_at, c.tier
        FROM refresh_tokens r JOIN customers c ON c.id = r.customer_id
       WHERE r.token_hash = $1
         FOR UPDATE OF r""";
  private static final String MARK_USED = "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1";
  private static final String REVOKE_FAMILY = """
      UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL""";
  private static final String REVOKE = """
      INSERT INTO token_revocations (id, kind, expires_at) VALUES ($1, $2, $3)
      ON CONFLICT (kind, id) DO NOTHING""";
  private static final String FAMILY_OF = """
      SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND customer_id = $2""";
  private static final String ACTIVE_REVOCATIONS = """
      SELECT id, kind FROM token_revocations WHERE expires_at > now()""";

  private static final String PURGE_REVOCATIONS = "DELETE FROM token_revocations WHERE expires_at < now()";
  /** A used token must outlive its use (reuse detection) but not its own expiry. */
  private static final String PURGE_REFRESH_TOKENS = "DELETE FROM refresh_tokens WHERE expires_at < now()";

  private final Pool pool;

  public SessionStore(Pool pool) {
    this.pool = pool;
  }

  /** What presenting a refresh token led to. */
  public sealed interface Rotation {
  }

  /** The token was current: it is now used, and {@code newTokenHash} is the family's live token. */
  public record Rotated(UUID customerId, String tier, UUID familyId) implements Rotation {
  }

  /** The token had already been used: the whole family is now revoked (committed). */
  public record Reused(UUID customerId, UUID familyId) implements Rotation {
  }

  /** Unknown, expired or revoked. */
  public record Invalid() implements Rotation {
  }

  /** Starts a new family (a login or registration) with its first refresh token. */
  public Future<UUID> startFamily(UUID customerId, byte[] tokenHash, Duration ttl) {
    UUID familyId = UUID.randomUUID();
    return insertToken(pool, familyId, customerId, tokenHash, ttl).map(familyId);
  }

  /**
   * Rotates atomically: the row lock makes two concurrent uses of one token serialize, so the
   * second one sees {@code used_at} and counts as reuse. A reuse revokes the family and commits.
   */
  public Future<Rotation> rotate(byte[] tokenHash, byte[] newTokenHash, Duration ttl, Duration accessTokenTtl) {
    return pool.withTransaction(connection -> connection.preparedQuery(LOCK_TOKEN)
        .execute(Tuple.of(Buffer.buffer(tokenHash))).compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(new Invalid());
          }
          Row row = rows.iterator().next();
          UUID familyId = row.getUUID("family_id");
          UUID customerId = row.getUUID("customer_id");
          if (row.getOffsetDateTime("revoked_at") != null
              || row.getOffsetDateTime("expires_at").toInstant().isBefore(Instant.now())) {
            return Future.succeededFuture(new Invalid());
          }
          if (row.getOffsetDateTime("used_at") != null) {
            return revokeFamily(connection, familyId, accessTokenTtl).map(new Reused(customerId, familyId));
          }
          return connection.preparedQuery(MARK_USED).execute(Tuple.of(Buffer.buffer(tokenHash)))
              .compose(v -> insertToken(connection, familyId, customerId, newTokenHash, ttl))
              .map(new Rotated(customerId, row.getString("tier"), familyId));
        }));
  }

  /** Revokes one access token until it expires, and the families named (refresh tokens and access tokens). */
  public Future<Void> logout(UUID tokenId, Instant tokenExpiresAt, Set<UUID> families, Duration accessTokenTtl) {
    return pool.withTransaction(connection -> {
      Future<Void> chain = connection.preparedQuery(REVOKE)
          .execute(Tuple.of(tokenId, "token", tokenExpiresAt.atOffset(ZoneOffset.UTC))).mapEmpty();
      for (UUID family : families) {
        chain = chain.compose(v -> revokeFamily(connection, family, accessTokenTtl));
      }
      return chain;
    });
  }

  /** @return the family of a refresh token, if it belongs to this customer */
  public Future<UUID> familyOf(byte[] tokenHash, UUID customerId) {
    return pool.preparedQuery(FAMILY_OF).execute(Tuple.of(Buffer.buffer(tokenHash), customerId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
  }

  /** Deletes what can no longer matter. @return rows deleted */
  public Future<Integer> purgeExpired() {
    return pool.query(PURGE_REVOCATIONS).execute()
        .compose(revocations -> pool.query(PURGE_REFRESH_TOKENS).execute()
            .map(tokens -> revocations.rowCount() + tokens.rowCount()));
  }

  /** Everything revoked and not yet expired: what every node must refuse. */
  public Future<Revocations> activeRevocations() {
    return pool.query(ACTIVE_REVOCATIONS).execute().map(rows -> {
      Set<UUID> tokens = new HashSet<>();
      Set<UUID> families = new HashSet<>();
      for (Row row : rows) {
        ("token".equals(row.getString("kind")) ? tokens : families).add(row.getUUID("id"));
      }
      return new Revocations(tokens, families, true);
    });
  }

  private static Future<Void> revokeFamily(SqlConnection connection, UUID familyId, Duration accessTokenTtl) {
    OffsetDateTime lastAccessTokenExpiry = OffsetDateTime.now(ZoneOffset.UTC).plus(accessTokenTtl);
    return connection.preparedQuery(REVOKE_FAMILY).execute(Tuple.of(familyId))
        .compose(v -> connection.preparedQuery(REVOKE).execute(Tuple.of(familyId, "family", lastAccessTokenExpiry)))
        .mapEmpty();
  }

  private static Future<Void> insertToken(io.vertx.sqlclient.SqlClient client, UUID familyId, UUID customerId,
                                          byte[] tokenHash, Duration ttl) {
    Tuple params = Tuple.of(UUID.randomUUID(), familyId, customerId, Buffer.buffer(tokenHash),
        OffsetDateTime.now(ZoneOffset.UTC).plus(ttl));
    return client.preparedQuery(INSERT_TOKEN).execute(params).mapEmpty();
  }
}
