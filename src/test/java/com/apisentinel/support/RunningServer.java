package com.apisentinel.support;

import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One fresh database and one running server per test class:
 * {@code @RegisterExtension static final RunningServer RUNNING = new RunningServer();}
 * Started before the class's own {@code @BeforeAll} methods, stopped after its {@code @AfterAll}.
 */
public final class RunningServer implements BeforeAllCallback, AfterAllCallback {

  private final Map<String, Object> overrides;
  private TestDatabase database;
  private TestServer server;

  public RunningServer() {
    this(Map.of());
  }

  /** @param overrides configuration paths such as {@code sentinel.writer.maxDelayMs} */
  public RunningServer(Map<String, Object> overrides) {
    this.overrides = overrides;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    database = TestDatabase.create(context.getRequiredTestClass());
    server = TestServer.start(database.url(), overrides);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      server.close();
    } finally {
      database.close();
    }
  }

  public TestServer server() {
    return server;
  }

  public TestDatabase database() {
    return database;
  }
}
