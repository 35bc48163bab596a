package com.apisentinel.sdk.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The packaged server on a fresh database for one integration test class:
 * {@code @RegisterExtension static final RunningSentinel SENTINEL = new RunningSentinel();}
 */
public final class RunningSentinel implements BeforeAllCallback, AfterAllCallback {

  private TestDatabase database;
  private SentinelServer server;

  @Override
  public void beforeAll(ExtensionContext context) {
    database = TestDatabase.create(context.getRequiredTestClass());
    server = SentinelServer.start(database);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.close();
    database.close();
  }

  public SentinelServer server() {
    return server;
  }

  public TestDatabase database() {
    return database;
  }

  /** The customer's stored events that meet a SQL condition on the events table ("true" for all). */
  public long countEvents(SentinelServer.Customer customer, String condition) {
    return database.queryLong("SELECT count(*) FROM events WHERE customer_id = ?::uuid AND (" + condition + ")",
        customer.id());
  }
}
