package com.apisentinel.bus;

import io.vertx.core.eventbus.ReplyException;

/**
 * Failure codes carried by {@link ReplyException#failureCode()} across the bus; the HTTP layer
 * maps each to one problem type. Positive, distinct from Vert.x's own reply failure types.
 */
public final class Failures {

  public static final int WRITER_QUEUE_FULL = 1;
  public static final int STORAGE_UNAVAILABLE = 2;
  public static final int SHUTTING_DOWN = 3;
  /** PostgreSQL refused the request's own data even though validation passed. */
  public static final int DATA_REJECTED = 4;
  public static final int UNAUTHENTICATED = 5;
  public static final int EMAIL_TAKEN = 6;

  private Failures() {
  }
}
