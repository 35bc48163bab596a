package com.apisentinel.store;

import com.apisentinel.config.Profile;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 202 promises the events survive a crash. That holds only if PostgreSQL flushes its WAL on
 * commit: with fsync or full_page_writes off a crash can lose or corrupt committed data, and with
 * synchronous_commit off the last commits before a crash vanish. prod refuses to run; dev warns.
 */
public final class DurabilityGuard {

  private static final Logger LOG = LoggerFactory.getLogger(DurabilityGuard.class);
  private static final String SETTINGS = """
      SELECT current_setting('fsync') AS fsync,
             current_setting('synchronous_commit') AS synchronous_commit,
             current_setting('full_page_writes') AS full_page_writes""";

  private DurabilityGuard() {
  }

  public static Future<Void> check(Pool pool, Profile profile) {
    return pool.query(SETTINGS).execute().compose(rows -> {
      List<String> unsafe = unsafeSettings(rows.iterator().next());
      if (unsafe.isEmpty()) {
        return Future.succeededFuture();
      }
      String message = "PostgreSQL may lose acknowledged events: " + String.join(", ", unsafe);
      if (profile == Profile.PROD) {
        return Future.failedFuture(new IllegalStateException(message + " (refusing to start in the prod profile)"));
      }
      LOG.warn("{} (tolerated in the dev profile only)", message);
      return Future.succeededFuture();
    });
  }

  static List<String> unsafeSettings(Row settings) {
    List<String> unsafe = new ArrayList<>();
    if ("off".equals(settings.getString("fsync"))) {
      unsafe.add("fsync=off");
    }
    if ("off".equals(settings.getString("synchronous_commit"))) {
      unsafe.add("synchronous_commit=off");
    }
    if ("off".equals(settings.getString("full_page_writes"))) {
      unsafe.add("full_page_writes=off");
    }
    return unsafe;
  }
}
