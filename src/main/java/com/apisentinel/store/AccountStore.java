package com.apisentinel.store;

import com.apisentinel.bus.Principal;
import com.apisentinel.bus.Registration;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.UUID;

/** Customers and their API keys. */
public final class AccountStore {

  private static final String INSERT_CUSTOMER = """
      INSERT INTO customers (id, email, email_normalized, password_hash, company_name)
      VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (email_normalized) DO NOTHING
      RETURNING id, email, company_name, tier, primary_gateway, secondary_gateway, created_at, updated_at""";
  private static final String INSERT_KEY = """
      INSERT INTO api_keys (id, customer_id, name, key_hash, prefix)
      VALUES ($1, $2, $3, $4, $5)
      RETURNING created_at""";
  private static final String FIND_ACTIVE_KEY = """
      SELECT k.id, k.customer_id, c.tier
        FROM api_keys k JOIN customers c ON c.id = k.customer_id
       WHERE k.key_hash = $1
         AND k.revoked_at IS NULL
         AND (k.expires_at IS NULL OR k.expires_at > now())""";

  private static final String FIND_LOGIN = """
      SELECT id, password_hash, tier FROM customers WHERE email_normalized = $1""";

  private final Pool pool;

  public AccountStore(Pool pool) {
    this.pool = pool;
  }

  /** What registration stores: the key arrives only as its hash; {@code key} is echoed back, never written. */
  public record NewAccount(String email, String passwordHash, String companyName, String keyName, String key,
                           byte[] keyHash, String keyPrefix) {
    @Override
    public String toString() {
      return "NewAccount[companyName=" + companyName + ", keyPrefix=" + keyPrefix + "]";
    }
  }

  public record Registered(Registration.Customer customer, Registration.IssuedKey key) {
  }

  /** Creates the customer and its first key in one transaction; fails with {@link EmailTakenException}. */
  public Future<Registered> register(NewAccount account) {
    return pool.withTransaction(connection -> insertCustomer(connection, account)
        .compose(customer -> insertKey(connection, customer.id(), account)
            .map(key -> new Registered(customer, key))));
  }

  /** @return the key's owner, or null when no active key has this hash */
  public Future<Principal> findActiveKey(byte[] keyHash) {
    return pool.preparedQuery(FIND_ACTIVE_KEY).execute(Tuple.of(Buffer.buffer(keyHash))).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return Principal.ofKey(row.getUUID("customer_id"), row.getUUID("id"), row.getString("tier"));
    });
  }

  /** What a login needs to check a password; never leaves the auth verticle. */
  public record LoginRecord(UUID customerId, String passwordHash, String tier) {
    @Override
    public String toString() {
      return "LoginRecord[customerId=" + customerId + "]";
    }
  }

  /** @return the customer with this email (any case), or null */
  public Future<LoginRecord> findLogin(String email) {
    return pool.preparedQuery(FIND_LOGIN).execute(Tuple.of(email.toLowerCase(Locale.ROOT))).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new LoginRecord(row.getUUID("id"), row.getString("password_hash"), row.getString("tier"));
    });
  }

  private static Future<Registration.Customer> insertCustomer(SqlConnection connection, NewAccount account) {
    Tuple params = Tuple.of(UUID.randomUUID(), account.email(), account.email().toLowerCase(Locale.ROOT),
        account.passwordHash(), account.companyName());
    return connection.preparedQuery(INSERT_CUSTOMER).execute(params).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(new EmailTakenException());
      }
      Row row = rows.iterator().next();
      return Future.succeededFuture(new Registration.Customer(row.getUUID("id"), row.getString("email"),
          row.getString("company_name"), row.getString("tier"), row.getString("primary_gateway"),
          row.getString("secondary_gateway"), instant(row, "created_at"), instant(row, "updated_at")));
    });
  }

  private static Future<Registration.IssuedKey> insertKey(SqlConnection connection, UUID customerId,
                                                          NewAccount account) {
    UUID keyId = UUID.randomUUID();
    Tuple params = Tuple.of(keyId, customerId, account.keyName(), Buffer.buffer(account.keyHash()),
        account.keyPrefix());
    return connection.preparedQuery(INSERT_KEY).execute(params).map(rows -> new Registration.IssuedKey(keyId,
        account.keyName(), account.key(), account.keyPrefix(), instant(rows.iterator().next(), "created_at")));
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value.toInstant();
  }
}
