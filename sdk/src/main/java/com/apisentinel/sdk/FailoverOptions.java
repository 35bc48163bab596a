package com.apisentinel.sdk;

import java.time.Duration;

/**
 * Local failover settings for {@link SentinelClient#failover(Gateway, Gateway, FailoverOptions)}.
 * A setting left unset follows the server's config ({@link RemoteConfig}), which the merchant can
 * change in the dashboard; a setting given here wins over it.
 */
public final class FailoverOptions {

  /** Nothing set: everything follows the server's config. */
  public static final FailoverOptions FOLLOW_SERVER = builder().build();

  private final Boolean enabled;
  private final TimeoutPolicy onTimeout;
  private final Integer failureThreshold;
  private final Duration openDuration;
  private final boolean failoverOnSoftDecline;
  private final boolean pinGatewayOrder;

  private FailoverOptions(Builder b) {
    this.enabled = b.enabled;
    this.onTimeout = b.onTimeout;
    this.failureThreshold = b.failureThreshold;
    this.openDuration = b.openDuration;
    this.failoverOnSoftDecline = b.failoverOnSoftDecline;
    this.pinGatewayOrder = b.pinGatewayOrder;
  }

  /**
   * A new builder with nothing set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  boolean enabled(RemoteConfig remote) {
    return enabled != null ? enabled : remote.failoverEnabled();
  }

  TimeoutPolicy onTimeout(RemoteConfig remote) {
    return onTimeout != null ? onTimeout : remote.onTimeout();
  }

  int failureThreshold(RemoteConfig remote) {
    return failureThreshold != null ? failureThreshold : remote.failureThreshold();
  }

  long openNanos(RemoteConfig remote) {
    return (openDuration != null ? openDuration : remote.openDuration()).toNanos();
  }

  boolean failoverOnSoftDecline() {
    return failoverOnSoftDecline;
  }

  boolean pinGatewayOrder() {
    return pinGatewayOrder;
  }

  /** Builds {@link FailoverOptions}. */
  public static final class Builder {
    private Boolean enabled;
    private TimeoutPolicy onTimeout;
    private Integer failureThreshold;
    private Duration openDuration;
    private boolean failoverOnSoftDecline;
    private boolean pinGatewayOrder;

    private Builder() {
    }

    /**
     * Turns failover on or off (off: the primary alone is called, and the payment still reported).
     *
     * @param enabled whether to fail over
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Sets what happens when the primary's outcome is unknown.
     *
     * @param onTimeout the policy
     * @return this builder
     */
    public Builder onTimeout(TimeoutPolicy onTimeout) {
      this.onTimeout = onTimeout;
      return this;
    }

    /**
     * Sets the circuit breaker: after {@code failureThreshold} consecutive failures a gateway is
     * skipped for {@code openDuration}, then probed with one payment.
     *
     * @param failureThreshold consecutive failures, at least 1
     * @param openDuration the cool-down
     * @return this builder
     */
    public Builder circuitBreaker(int failureThreshold, Duration openDuration) {
      if (failureThreshold < 1) {
        throw new IllegalArgumentException("failureThreshold must be at least 1");
      }
      this.failureThreshold = failureThreshold;
      this.openDuration = openDuration;
      return this;
    }

    /**
     * Fails over on a soft decline too (see {@link HttpGateway.Builder#softDecline}); off by default,
     * because card networks limit how often a declined card may be retried.
     *
     * @param failover whether to fail over on a soft decline
     * @return this builder
     */
    public Builder failoverOnSoftDecline(boolean failover) {
      this.failoverOnSoftDecline = failover;
      return this;
    }

    /**
     * Keeps the order given to {@code failover(primary, secondary)} even when the server's config
     * names the two gateways the other way round.
     *
     * @param pin whether to pin the order
     * @return this builder
     */
    public Builder pinGatewayOrder(boolean pin) {
      this.pinGatewayOrder = pin;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public FailoverOptions build() {
      return new FailoverOptions(this);
    }
  }
}
