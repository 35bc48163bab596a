package com.apisentinel.sdk;

import java.time.Duration;
import java.util.List;

/** The app's listener with its exceptions caught: a faulty callback must not kill the sender thread. */
final class SafeListener implements SentinelListener {

  private static final System.Logger LOG = System.getLogger("com.apisentinel.sdk");
  private final SentinelListener app;
  private volatile boolean complained;

  SafeListener(SentinelListener app) {
    this.app = app;
  }

  @Override
  public void dropped(PaymentEvent event, DropReason reason) {
    guard(() -> app.dropped(event, reason));
  }

  @Override
  public void rejected(PaymentEvent event, List<String> reasons) {
    guard(() -> app.rejected(event, reasons));
  }

  @Override
  public void conflict(PaymentEvent event) {
    guard(() -> app.conflict(event));
  }

  @Override
  public void failed(List<PaymentEvent> events, int status, String problem) {
    guard(() -> app.failed(events, status, problem));
  }

  @Override
  public void retrying(int events, String reason, Duration delay) {
    guard(() -> app.retrying(events, reason, delay));
  }

  @Override
  public void spoolFailed(PaymentEvent event, Exception error) {
    guard(() -> app.spoolFailed(event, error));
  }

  @Override
  public void configChanged(RemoteConfig config) {
    guard(() -> app.configChanged(config));
  }

  private void guard(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      if (!complained) {
        complained = true; // once: a listener that throws would otherwise flood the app's log
        LOG.log(System.Logger.Level.WARNING, "a SentinelListener threw; its exceptions are ignored from now on", e);
      }
    }
  }
}
