package com.apisentinel.store;

import com.apisentinel.config.DatabaseConfig;
import com.apisentinel.config.Profile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the versioned SQL migrations of {@code db/migration} with Flyway, on a worker thread. */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  /** CREATE DATABASE cannot bind its name, so only plain identifiers are ever created. */
  private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private Migrations() {
  }

  public static Future<Void> apply(Vertx vertx, DatabaseConfig db, Profile profile) {
    return vertx.executeBlocking(() -> {
      migrate(db, profile);
      return null;
    }, false);
  }

  /** Blocking; for worker threads and the {@code migrate} command only. */
  public static void migrate(DatabaseConfig db, Profile profile) throws SQLException {
    if (profile == Profile.DEV) {
      createDatabaseIfMissing(db);
    }
    var result = Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    LOG.info("schema at version {} ({} migration(s) applied now)", result.targetSchemaVersion,
        result.migrationsExecuted);
  }

  /** In dev a fresh machine needs no manual createdb; prod databases are provisioned by their owners. */
  private static void createDatabaseIfMissing(DatabaseConfig db) throws SQLException {
    try (var connection = DriverManager.getConnection(db.withDatabase("postgres").jdbcUrl(), db.jdbcProperties());
         var exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, db.database());
      if (exists.executeQuery().next()) {
        return;
      }
      if (!PLAIN_IDENTIFIER.matcher(db.database()).matches()) {
        throw new SQLException("database " + db.database() + " does not exist; create it first");
      }
      try (var create = connection.createStatement()) {
        create.execute("CREATE DATABASE \"" + db.database() + "\"");
      }
      LOG.warn("dev profile: created missing database {}", db.database());
    }
  }
}
