package com.apisentinel.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh, empty PostgreSQL database on the real server, one per test class; the server applies
 * its migrations to it at start-up. Host and port come from SENTINEL_TEST_PG (default 127.0.0.1:5432).
 */
public final class TestDatabase implements AutoCloseable {

  public static final String HOST_PORT = System.getenv().getOrDefault("SENTINEL_TEST_PG", "127.0.0.1:5432");
  private final String name;

  private TestDatabase(String name) {
    this.name = name;
  }

  public static TestDatabase create(Class<?> owner) {
    String name = ("sentinel_t_" + owner.getSimpleName() + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong()))
        .toLowerCase(Locale.ROOT);
    execute("postgres", "CREATE DATABASE " + name);
    return new TestDatabase(name);
  }

  public String name() {
    return name;
  }

  public String url() {
    return "postgresql://postgres@" + HOST_PORT + "/" + name;
  }

  public Connection connect() throws SQLException {
    return connect(name);
  }

  /** Runs one statement and returns the first column of the first row as a long (count queries). */
  public long queryLong(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement(); var rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public void execute(String sql) {
    execute(name, sql);
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
    Properties properties = new Properties();
    properties.setProperty("user", "postgres");
    return DriverManager.getConnection("jdbc:postgresql://" + HOST_PORT + "/" + database, properties);
  }
}
