package com.apisentinel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginGuardTest {

  private final AtomicLong now = new AtomicLong();
  private final LoginGuard guard = new LoginGuard(now::get);

  @Test
  void guessesAreCountedWhenTheyArriveNotWhenTheirHashesFinish() {
    List<LoginGuard.Admission> inFlight = new ArrayList<>();
    int admitted = 0;
    for (int i = 0; i < 100; i++) {
      LoginGuard.Admission admission = guard.admit("victim@example.com", "203.0.113.9");
      if (admission.admitted()) {
        admitted++;
        inFlight.add(admission); // none has finished: all 100 arrive before the first hash is done
      }
    }
    assertThat(admitted).isEqualTo(LoginGuard.FREE_PER_PAIR + 1);
  }

  @Test
  void oneAddressGuessingDoesNotLockTheOwnerOut() {
    for (int i = 0; i < 100; i++) {
      guard.admit("victim@example.com", "203.0.113.9");
    }
    assertThat(guard.admit("victim@example.com", "198.51.100.4").admitted()).isTrue();
  }

  @Test
  void aGuessingAttackFromManyAddressesSlowsNewAddressesButNotTheOwnersOwn() {
    LoginGuard.Admission owner = guard.admit("victim@example.com", "198.51.100.4");
    guard.succeeded(owner);
    for (int i = 0; i < LoginGuard.FREE_PER_ACCOUNT + 10; i++) {
      guard.admit("victim@example.com", "2001:db8:" + i + "::1");
    }
    assertThat(guard.admit("victim@example.com", "192.0.2.77").admitted()).as("a new address").isFalse();
    assertThat(guard.admit("victim@example.com", "198.51.100.4").admitted()).as("the owner's").isTrue();
  }

  @Test
  void oneAddressGuessingManyAccountsIsStopped() {
    int admitted = 0;
    for (int i = 0; i < 100; i++) {
      admitted += guard.admit("user" + i + "@example.com", "2001:db8:1:1::" + i).admitted() ? 1 : 0;
    }
    assertThat(admitted).as("one /64, one address").isEqualTo(LoginGuard.FREE_PER_ADDRESS + 1);
  }

  @Test
  void aSuccessfulLoginTakesItsCountedAttemptBack() {
    for (int i = 0; i < 50; i++) {
      LoginGuard.Admission admission = guard.admit("owner" + i + "@example.com", "203.0.113.1");
      assertThat(admission.admitted()).as("login %d", i).isTrue();
      guard.succeeded(admission);
    }
  }

  @Test
  void anAttemptThatWasNeverJudgedCostsNothing() {
    for (int i = 0; i < 50; i++) {
      LoginGuard.Admission admission = guard.admit("owner@example.com", "203.0.113.1");
      assertThat(admission.admitted()).as("attempt %d while storage is down", i).isTrue();
      guard.abandoned(admission);
    }
    for (int i = 0; i <= LoginGuard.FREE_PER_PAIR; i++) {
      assertThat(guard.admit("owner@example.com", "203.0.113.1").admitted()).as("wrong password %d", i).isTrue();
    }
    assertThat(guard.admit("owner@example.com", "203.0.113.1").admitted()).as("still throttled when failures are real")
        .isFalse();
  }
}
