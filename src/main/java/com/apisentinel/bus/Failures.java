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
  /** Too many failed logins; the failure message is the number of seconds to wait. */
  public static final int THROTTLED = 7;
  /** No such resource for this customer (another tenant's ids look the same). */
  public static final int NOT_FOUND = 8;
  /** A field the database refused; the message is {@code field|reason}. */
  public static final int INVALID_FIELD = 9;

  private Failures() {
  }
}
