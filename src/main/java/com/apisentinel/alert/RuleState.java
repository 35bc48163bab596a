package com.apisentinel.alert;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * What one evaluation does to a rule. A rule fires once its condition has held for
 * {@code forSeconds} (at once when 0), and resolves only once the value falls below
 * {@code resolveThreshold} — hysteresis, so a value hovering at the threshold does not flap.
 * Too few events in the window to judge count as "not above" and, for a firing rule, as resolved.
 */
public final class RuleState {

  public enum Transition { NONE, PEND, FIRE, RESOLVE, CLEAR_PENDING }

  /** A rule as the evaluator reads it. */
  public record Rule(String kind, BigDecimal threshold, BigDecimal resolveThreshold, int minEvents, int forSeconds,
                     String state, Instant pendingSince) {
  }

  /**
   * @param value   the measured value, null when the window holds nothing to measure
   * @param samples how many events the value is measured over (for a streak, the events looked at)
   */
  public record Measure(BigDecimal value, long samples) {
  }

  private RuleState() {
  }

  public static Transition next(Rule rule, Measure measure, Instant now) {
    boolean streak = rule.kind().equals("both_failed_streak");
    boolean known = measure.value() != null && (streak || measure.samples() >= rule.minEvents());
    int byThreshold = known ? measure.value().compareTo(rule.threshold()) : -1;
    boolean above = known && (streak ? byThreshold >= 0 : byThreshold > 0);
    boolean cleared = !known || measure.value().compareTo(rule.resolveThreshold()) < 0;
    return switch (rule.state()) {
      case "firing" -> cleared ? Transition.RESOLVE : Transition.NONE;
      case "pending" -> !above ? Transition.CLEAR_PENDING
          : Duration.between(rule.pendingSince(), now).getSeconds() >= rule.forSeconds() ? Transition.FIRE
          : Transition.NONE;
      default -> !above ? Transition.NONE : rule.forSeconds() == 0 ? Transition.FIRE : Transition.PEND;
    };
  }
}
