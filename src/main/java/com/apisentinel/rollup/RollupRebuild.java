package com.apisentinel.rollup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Rebuilds customers' rollups from their raw events ({@code java -jar api-sentinel.jar rebuild-rollups
 * [customer-id]}), for when a rollup is suspected wrong or a bug in them has been fixed. Per customer,
 * one REPEATABLE READ transaction drops the customer's rollups and parts and writes parts computed
 * from the events of that same snapshot; a batch committing meanwhile is invisible to the snapshot
 * and keeps its own part, so it is counted exactly once. The advisory lock keeps compactors out
 * (taken at session level, before the transaction's snapshot, so the snapshot sees their last
 * commit). Running servers then compact the new parts as usual. Blocking JDBC: a command, never an
 * event loop.
 */
public final class RollupRebuild {

  private static final String DELETE_ROLLUPS = "DELETE FROM rollups WHERE customer_id = ?";
  private static final String DELETE_PARTS = "DELETE FROM rollup_parts WHERE customer_id = ?";
  private static final String RECOMPUTE = "INSERT INTO rollup_parts (" + RollupSql.PART_COLUMNS + ") SELECT "
      + RollupSql.PART_AGGREGATES + " FROM events WHERE customer_id = ?" + RollupSql.PART_GROUPING;

  private RollupRebuild() {
  }

  /** Rebuilds every customer's rollups; returns how many customers were rebuilt. */
  public static int rebuildAll(Connection connection) throws SQLException {
    List<UUID> customers = new ArrayList<>();
    try (Statement statement = connection.createStatement();
         var rows = statement.executeQuery("SELECT id FROM customers ORDER BY id")) {
      while (rows.next()) {
        customers.add(rows.getObject(1, UUID.class));
      }
    }
    for (UUID customer : customers) {
      rebuild(connection, customer);
    }
    return customers.size();
  }

  public static void rebuild(Connection connection, UUID customerId) throws SQLException {
    connection.setAutoCommit(true);
    execute(connection, "SELECT pg_advisory_lock(" + RollupSql.COMPACTION_LOCK + ")");
    try {
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setAutoCommit(false);
      for (String sql : List.of(DELETE_ROLLUPS, DELETE_PARTS, RECOMPUTE)) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
          statement.setObject(1, customerId);
          statement.executeUpdate();
        }
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
      execute(connection, "SELECT pg_advisory_unlock(" + RollupSql.COMPACTION_LOCK + ")");
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
