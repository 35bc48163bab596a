package com.apisentinel.config;

import java.time.Duration;
import java.util.Base64;

/**
 * @param secretsKey          base64 of the 32-byte AES key that seals endpoints' signing secrets at rest
 * @param builtInKey          true when {@code secretsKey} is the development key (dev profile only)
 * @param maxInFlight         attempts this node sends at once
 * @param maxInFlightPerEndpoint attempts one endpoint receives at once: a slow receiver holds only these
 * @param pollInterval        how often the worker looks for due attempts
 * @param alertEvaluationInterval how often alert rules are evaluated (they notify through webhooks)
 */
public record WebhookConfig(String secretsKey, boolean builtInKey, int maxInFlight, int maxInFlightPerEndpoint,
                            Duration pollInterval, Duration alertEvaluationInterval) {

  public byte[] secretsKeyBytes() {
    return Base64.getDecoder().decode(secretsKey);
  }

  @Override
  public String toString() {
    return "WebhookConfig[secretsKey=***, builtInKey=" + builtInKey + ", maxInFlight=" + maxInFlight
        + ", maxInFlightPerEndpoint=" + maxInFlightPerEndpoint + ", pollInterval=" + pollInterval + "]";
  }
}
