package com.apisentinel.store;

import com.apisentinel.account.Customer;
import com.apisentinel.account.FailoverSettings;
import com.apisentinel.auth.IssuedKey;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Customers: registration, login look-ups, profiles. Every profile query is scoped by the customer's id. */
public final class AccountStore {

  private static final String COLUMNS =
      "id, email, company_name, tier, primary_gateway, secondary_gateway, failover_enabled, failover_on_timeout, "
      + "breaker_failure_threshold, breaker_open_ms, created_at, updated_at";
  private static final String INSERT_CUSTOMER = """
      INSERT INTO customers (id, email, email_normalized, password_hash, company_name)
      VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (email_normalized) DO NOTHING
      RETURNING\s""" + COLUMNS;
  /**
   * $1 the normalized address, $2 the address lower-cased as accounts made before normalization
   * stored it (a non-ASCII local part, or a domain IDNA refuses, had no other form then).
   */
  private static final String FIND_LOGIN = """
      SELECT id, password_hash, tier FROM customers WHERE email_normalized IN ($1, $2)
       ORDER BY coalesce(email_normalized = $1, false) DESC LIMIT 1""";
  private static final String GET_PROFILE = "SELECT " + COLUMNS + " FROM customers WHERE id = $1";
  private static final String UPDATE_PROFILE = """
      UPDATE customers
         SET company_name = coalesce($2, company_name),
             primary_gateway = coalesce($3, primary_gateway),
             secondary_gateway = coalesce($4, secondary_gateway),
             failover_enabled = coalesce($5, failover_enabled),
             failover_on_timeout = coalesce($6, failover_on_timeout),
             breaker_failure_threshold = coalesce($7, breaker_failure_threshold),
             breaker_open_ms = coalesce($8, breaker_open_ms),
             updated_at = now()
       WHERE id = $1
      RETURNING\s""" + COLUMNS;
  private static final String SET_TIER = "UPDATE customers SET tier = $2, updated_at = now() WHERE id = $1 RETURNING "
      + COLUMNS;
  private static final String CHECK_VIOLATION = "23514";

  private final Pool pool;

  public AccountStore(Pool pool) {
    this.pool = pool;
  }

  /** What registration stores; the password arrives only as its argon2id hash. */
  public record NewAccount(String email, String normalizedEmail, String passwordHash, String companyName,
                           ApiKeyStore.NewKey firstKey) {
    @Override
    public String toString() {
      return "NewAccount[companyName=" + companyName + "]";
    }
  }

  public record Registered(Customer customer, IssuedKey key) {
  }

  /** What a login needs to check a password; never leaves the auth verticle. */
  public record LoginRecord(UUID customerId, String passwordHash, String tier) {
    @Override
    public String toString() {
      return "LoginRecord[customerId=" + customerId + "]";
    }
  }

  /** The primary and secondary gateways would be the same (the table's CHECK said so). */
  public static final class SameGatewaysException extends RuntimeException {
    public SameGatewaysException() {
      super("primary and secondary gateway must differ", null, false, false);
    }
  }

  /** Creates the customer and its first key in one transaction; fails with {@link EmailTakenException}. */
  public Future<Registered> register(NewAccount account) {
    return pool.withTransaction(connection -> insertCustomer(connection, account)
        .compose(customer -> ApiKeyStore.insert(connection, customer.id(), account.firstKey())
            .map(key -> new Registered(customer, key))));
  }

  /**
   * @param normalizedEmail see {@link com.apisentinel.auth.EmailAddresses}, or null when it has none
   * @param lowerCasedEmail the address as typed, lower-cased: how older accounts were stored
   * @return the customer (the one under the normalized address first), or null
   */
  public Future<LoginRecord> findLogin(String normalizedEmail, String lowerCasedEmail) {
    return pool.preparedQuery(FIND_LOGIN).execute(Tuple.of(normalizedEmail, lowerCasedEmail)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new LoginRecord(row.getUUID("id"), row.getString("password_hash"), row.getString("tier"));
    });
  }

  public Future<Customer> profile(UUID customerId) {
    return pool.preparedQuery(GET_PROFILE).execute(Tuple.of(customerId))
        .map(rows -> rows.size() == 0 ? null : customer(rows.iterator().next()));
  }

  /** Null arguments keep their values; fails with {@link SameGatewaysException}. */
  public Future<Customer> updateProfile(UUID customerId, String companyName, String primary, String secondary,
                                        FailoverSettings.Update failover) {
    Tuple params = Tuple.of(customerId, companyName, primary, secondary, failover.enabled(), failover.onTimeout(),
        failover.failureThreshold(), failover.openMs());
    return pool.preparedQuery(UPDATE_PROFILE).execute(params)
        .map(rows -> rows.size() == 0 ? null : customer(rows.iterator().next()))
        .recover(failure -> Future.failedFuture(failure instanceof PgException pg
            && CHECK_VIOLATION.equals(pg.getSqlState()) ? new SameGatewaysException() : failure));
  }

  /**
   * Changes the plan and, in the same transaction, takes back every quota grant made under the old
   * one, so the new quota applies to the very next batch on every node.
   *
   * @return the updated customer, or null when there is none with this id
   */
  public Future<Customer> setTier(UUID customerId, String tier) {
    return pool.withTransaction(connection -> connection.preparedQuery(SET_TIER).execute(Tuple.of(customerId, tier))
        .compose(rows -> rows.size() == 0
            ? Future.succeededFuture(null)
            : QuotaStore.reclaimAll(connection, customerId).map(v -> customer(rows.iterator().next()))));
  }

  private static Future<Customer> insertCustomer(SqlConnection connection, NewAccount account) {
    Tuple params = Tuple.of(UUID.randomUUID(), account.email(), account.normalizedEmail(),
        account.passwordHash(), account.companyName());
    return connection.preparedQuery(INSERT_CUSTOMER).execute(params).compose(rows -> rows.size() == 0
        ? Future.failedFuture(new EmailTakenException())
        : Future.succeededFuture(customer(rows.iterator().next())));
  }

  private static Customer customer(Row row) {
    return new Customer(row.getUUID("id"), row.getString("email"), row.getString("company_name"),
        row.getString("tier"), row.getString("primary_gateway"), row.getString("secondary_gateway"),
        new FailoverSettings(row.getBoolean("failover_enabled"), row.getString("failover_on_timeout"),
            row.getInteger("breaker_failure_threshold"), row.getInteger("breaker_open_ms")),
        row.getOffsetDateTime("created_at").toInstant(), row.getOffsetDateTime("updated_at").toInstant());
  }
}
