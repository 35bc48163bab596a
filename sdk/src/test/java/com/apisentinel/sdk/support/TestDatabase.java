package com.apisentinel.sdk.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh database on the real PostgreSQL for one test class (SENTINEL_TEST_PG, default
 * 127.0.0.1:5432); the server migrates it at start-up. Named {@code sentinel_t_*} like the server's
 * own test databases, so CI removes any an interrupted run left.
 */
public final class TestDatabase implements AutoCloseable {

  private static final String HOST_PORT = System.getenv().getOrDefault("SENTINEL_TEST_PG", "127.0.0.1:5432");
  private final String name;

  private TestDatabase(String name) {
    this.name = name;
  }

  public static TestDatabase create(Class<?> owner) {
    String name = ("sentinel_t_sdk_" + owner.getSimpleName() + "_"
        + Long.toHexString(ThreadLocalRandom.current().nextLong())).toLowerCase(Locale.ROOT);
    execute("postgres", "CREATE DATABASE " + name);
    return new TestDatabase(name);
  }

  /** The URL the server takes (SENTINEL_DB_URL). */
  public String url() {
    return "postgresql://postgres@" + HOST_PORT + "/" + name;
  }

  public long queryLong(String sql, Object... params) {
    try (Connection c = connect(name); var statement = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Each row as its columns' values, in order. */
  public List<List<Object>> query(String sql, Object... params) {
    try (Connection c = connect(name); var statement = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      List<List<Object>> result = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        int columns = rows.getMetaData().getColumnCount();
        while (rows.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= columns; i++) {
            row.add(rows.getObject(i));
          }
          result.add(row);
        }
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    execute("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static void execute(String database, String sql) {
    try (Connection c = connect(database); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connection connect(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + HOST_PORT + "/" + database, "postgres", "");
  }
}
