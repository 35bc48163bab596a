package com.apisentinel.sdk;

import java.time.Duration;
import java.util.List;

/**
 * Hears what happens to tracked events, for logs, metrics or alerts in the app. Every method has
 * an empty default, so implement only what you need. Methods run on the SDK's sender thread, except
 * {@link #dropped} when {@code track} refuses an event and {@link #spoolFailed}, which run on the
 * thread that called {@code track}: keep them short and never block. An exception thrown here is
 * caught and ignored.
 */
public interface SentinelListener {

  /**
   * The event will never be sent.
   *
   * @param event the event
   * @param reason why
   */
  default void dropped(PaymentEvent event, DropReason reason) {
  }

  /**
   * The server refused the event's content; resending it would not help.
   *
   * @param event the event
   * @param reasons the server's field errors, e.g. {@code "events[3].currency: must be an ISO 4217 code"}
   */
  default void rejected(PaymentEvent event, List<String> reasons) {
  }

  /**
   * The server already holds a different event under this event's id and kept that one.
   *
   * @param event the event that was not stored
   */
  default void conflict(PaymentEvent event) {
  }

  /**
   * The server refused a whole batch for a reason that retrying cannot fix (an invalid API key,
   * say); its events are given up.
   *
   * @param events the batch's events
   * @param status the HTTP status
   * @param problem the server's problem type and detail
   */
  default void failed(List<PaymentEvent> events, int status, String problem) {
  }

  /**
   * A batch could not be delivered now and will be sent again.
   *
   * @param events how many events the batch holds
   * @param reason the status or error that caused it
   * @param delay how long the SDK waits before the next attempt
   */
  default void retrying(int events, String reason, Duration delay) {
  }

  /**
   * The spool could not write an event; it is still queued in memory but would not survive a crash.
   *
   * @param event the event
   * @param error the I/O error
   */
  default void spoolFailed(PaymentEvent event, Exception error) {
  }

  /**
   * New settings arrived from the server ({@code GET /api/v1/sdk/config}).
   *
   * @param config the settings now in force (explicit local settings still win)
   */
  default void configChanged(RemoteConfig config) {
  }
}
