package com.apisentinel.store;

import com.apisentinel.limits.RateLimitedLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.LoggerFactory;

/** Appends security events. Callers pass ids and prefixes only, never a secret. */
public final class AuditLog {

  /** Every login attempt writes an entry: a database in trouble must not turn a login flood into a log flood. */
  private static final RateLimitedLog LOG =
      new RateLimitedLog(LoggerFactory.getLogger(AuditLog.class), Duration.ofSeconds(10));
  private static final String INSERT = """
      INSERT INTO audit_log (customer_id, action, client_address, request_id, detail) VALUES ($1, $2, $3, $4, $5)""";

  private final Pool pool;

  public AuditLog(Pool pool) {
    this.pool = pool;
  }

  /** Best effort and never fails its caller: an audit outage must not turn a login into a 503. */
  public Future<Void> record(UUID customerId, String action, String clientAddress, String requestId,
                             JsonObject detail) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(customerId, action, clientAddress, requestId, detail))
        .<Void>mapEmpty()
        .recover(failure -> {
          LOG.warn("audit entry {} for request {} not written: {}", action, requestId, failure.toString());
          return Future.succeededFuture();
        });
  }
}
