package com.apisentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.alert.RuleState.Measure;
import com.apisentinel.alert.RuleState.Rule;
import com.apisentinel.alert.RuleState.Transition;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RuleStateTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  private static Rule rate(String state, int forSeconds, Instant pendingSince) {
    return new Rule("failover_rate", new BigDecimal("0.05"), new BigDecimal("0.04"), 20, forSeconds, state,
        pendingSince);
  }

  private static Measure measure(String value, long samples) {
    return new Measure(new BigDecimal(value), samples);
  }

  @Test
  void aRateAboveTheThresholdFiresOnlyWithEnoughEvents() {
    assertThat(RuleState.next(rate("ok", 0, null), measure("0.06", 20), NOW)).isEqualTo(Transition.FIRE);
    assertThat(RuleState.next(rate("ok", 0, null), measure("0.06", 19), NOW)).isEqualTo(Transition.NONE);
    assertThat(RuleState.next(rate("ok", 0, null), measure("0.05", 100), NOW)).as("not above").isEqualTo(Transition.NONE);
  }

  @Test
  void aFiringRuleResolvesOnlyBelowTheResolveThreshold() {
    assertThat(RuleState.next(rate("firing", 0, null), measure("0.045", 100), NOW)).isEqualTo(Transition.NONE);
    assertThat(RuleState.next(rate("firing", 0, null), measure("0.039", 100), NOW)).isEqualTo(Transition.RESOLVE);
    assertThat(RuleState.next(rate("firing", 0, null), new Measure(null, 0), NOW)).as("no events left in the window")
        .isEqualTo(Transition.RESOLVE);
  }

  @Test
  void withForSecondsTheConditionMustHoldThatLongBeforeFiring() {
    assertThat(RuleState.next(rate("ok", 60, null), measure("0.2", 50), NOW)).isEqualTo(Transition.PEND);
    assertThat(RuleState.next(rate("pending", 60, NOW.minusSeconds(30)), measure("0.2", 50), NOW))
        .isEqualTo(Transition.NONE);
    assertThat(RuleState.next(rate("pending", 60, NOW.minusSeconds(60)), measure("0.2", 50), NOW))
        .isEqualTo(Transition.FIRE);
    assertThat(RuleState.next(rate("pending", 60, NOW.minusSeconds(30)), measure("0.01", 50), NOW))
        .isEqualTo(Transition.CLEAR_PENDING);
  }

  @Test
  void aStreakFiresAtItsLengthAndResolvesWhenItBreaks() {
    Rule streak = new Rule("both_failed_streak", BigDecimal.valueOf(3), BigDecimal.ONE, 3, 0, "ok", null);
    assertThat(RuleState.next(streak, measure("3", 3), NOW)).isEqualTo(Transition.FIRE);
    assertThat(RuleState.next(streak, measure("2", 3), NOW)).isEqualTo(Transition.NONE);
    Rule firing = new Rule("both_failed_streak", BigDecimal.valueOf(3), BigDecimal.ONE, 3, 0, "firing", null);
    assertThat(RuleState.next(firing, measure("1", 3), NOW)).isEqualTo(Transition.NONE);
    assertThat(RuleState.next(firing, measure("0", 3), NOW)).isEqualTo(Transition.RESOLVE);
  }
}
