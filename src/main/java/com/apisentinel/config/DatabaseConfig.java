package com.apisentinel.config;

import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import java.util.Properties;

/** Where PostgreSQL is. The password never appears in {@link #toString()} (config is logged). */
public record DatabaseConfig(String host, int port, String database, String user, String password,
                             int poolSize, int poolWaitQueue, Duration connectTimeout) {

  /** A fresh options object: PgConnectOptions is mutable, so each client gets its own. */
  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user)
        .setCachePreparedStatements(true);
    if (password != null) {
      options.setPassword(password);
    }
    return options;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public Properties jdbcProperties() {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
    return properties;
  }

  public DatabaseConfig withDatabase(String otherDatabase) {
    return new DatabaseConfig(host, port, otherDatabase, user, password, poolSize, poolWaitQueue, connectTimeout);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + (password == null ? "" : ":***") + "@" + host + ":" + port + "/" + database;
  }
}
