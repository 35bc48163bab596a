package com.apisentinel.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.quota.QuotaAdmission.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Quota admission against an in-memory grant source that follows the database's rules (a grant
 * gives what the plan has left, never more): which requests join a slot's batch, which wait for
 * a grant and which are refused. No PostgreSQL: QuotaTest and QuotaTwoProcessesIT cover the real one.
 */
class QuotaAdmissionTest {

  private static final Vertx VERTX = Vertx.vertx();
  private static final QuotaPeriod PERIOD = QuotaPeriod.of(Instant.parse("2026-11-15T00:00:00Z"));
  private static final UUID CUSTOMER = UUID.randomUUID();
  private static final long CHUNK = 100;

  private record Write(UUID customerId, int events) implements Metered {
  }

  /**
   * Grants what is asked and a chunk more, as the database does, or what the plan has left; a grant
   * can be held back or fail.
   */
  private static final class Grants implements QuotaGrants {
    final Map<UUID, Long> limits = new HashMap<>();
    final Map<UUID, LaneBalance> lanes = new HashMap<>();
    final List<Long> asked = new ArrayList<>();
    final List<Set<UUID>> busyLanes = new ArrayList<>();
    final List<UUID> reached = new ArrayList<>();
    Promise<Void> held;
    boolean failing;

    @Override
    public Future<Grant> grant(UUID customerId, LocalDate month, UUID lane, long need, Set<UUID> busy) {
      asked.add(need);
      busyLanes.add(busy);
      if (failing) {
        return Future.failedFuture(new IllegalStateException("database unreachable"));
      }
      Future<Void> wait = held == null ? Future.succeededFuture() : held.future();
      return wait.map(v -> {
        long limit = limits.getOrDefault(customerId, 0L);
        long granted = lanes.values().stream().mapToLong(LaneBalance::granted).sum();
        long give = limit == 0 ? need + CHUNK : Math.min(need, limit - granted);
        LaneBalance before = lanes.getOrDefault(lane, new LaneBalance(0, 0));
        lanes.put(lane, new LaneBalance(before.granted() + give, before.used()));
        return new Grant(limit, Map.copyOf(lanes), 0, give < need, false);
      });
    }

    @Override
    public Future<Void> usageReached(UUID customerId, LocalDate month) {
      reached.add(customerId);
      return Future.succeededFuture();
    }

    @Override
    public Future<Map<UUID, LaneBalance>> balances(LocalDate month, UUID lane, Set<UUID> customers) {
      return Future.succeededFuture(Map.of());
    }
  }

  private final Grants grants = new Grants();
  private final List<Integer> grantedSlots = new ArrayList<>();
  private final List<Write> failed = new ArrayList<>();
  private final Set<Integer> committing = new HashSet<>();
  private final AtomicLong nanos = new AtomicLong();
  private final QuotaAdmission<Write> admission = new QuotaAdmission<>(VERTX, 2, grants, committing::contains,
      nanos::get, new QuotaAdmission.Listener<>() {
        @Override
        public void granted(int slot) {
          grantedSlots.add(slot);
        }

        @Override
        public void grantFailed(List<Write> writes, Throwable cause) {
          failed.addAll(writes);
        }
      });

  @AfterAll
  static void closeVertx() {
    VERTX.close();
  }

  @Test
  void aRequestWaitsForItsFirstGrantThenIsAdmittedOnTheSlotThatAsked() {
    Write write = new Write(CUSTOMER, 3);

    assertThat(admission.admit(write, 1, PERIOD)).isEqualTo(Outcome.WAITING);

    assertThat(grants.asked).containsExactly(3L);
    assertThat(grantedSlots).containsExactly(1);
    assertThat(admission.pollReady(1)).isSameAs(write);
    assertThat(admission.pollReady(0)).isNull();
    assertThat(admission.admit(write, 1, PERIOD)).isEqualTo(Outcome.ADMITTED);
    assertThat(admission.idle()).isTrue();
  }

  @Test
  void requestsOfOneCustomerWaitingTogetherShareOneGrantRequest() {
    grants.held = Promise.promise();
    Write first = new Write(CUSTOMER, 2);
    Write second = new Write(CUSTOMER, 5);

    assertThat(admission.admit(first, 0, PERIOD)).isEqualTo(Outcome.WAITING);
    assertThat(admission.admit(second, 0, PERIOD)).isEqualTo(Outcome.WAITING);
    assertThat(admission.idle()).isFalse();
    assertThat(grants.asked).as("one grant request at a time").containsExactly(2L);
    grants.held.complete();

    assertThat(admission.pollReady(0)).isSameAs(first);
    assertThat(admission.pollReady(0)).isSameAs(second);
    assertThat(admission.admit(first, 0, PERIOD)).isEqualTo(Outcome.ADMITTED);
    assertThat(admission.admit(second, 0, PERIOD)).isEqualTo(Outcome.ADMITTED);
    assertThat(grants.asked).hasSize(1);
  }

  @Test
  void onceTheQuotaIsSpentRequestsAreRefusedWithoutAskingAgain() {
    grants.limits.put(CUSTOMER, 4L);
    Write three = new Write(CUSTOMER, 3);
    admission.admit(three, 0, PERIOD);
    assertThat(admission.admit(admission.pollReady(0), 0, PERIOD)).isEqualTo(Outcome.ADMITTED);
    admission.settle(three, 0, PERIOD, 3);

    Write another = new Write(CUSTOMER, 3);
    assertThat(admission.admit(another, 0, PERIOD)).isEqualTo(Outcome.WAITING);
    assertThat(admission.admit(admission.pollReady(0), 0, PERIOD)).isEqualTo(Outcome.REFUSED);
    assertThat(admission.admit(new Write(CUSTOMER, 2), 0, PERIOD)).isEqualTo(Outcome.REFUSED);

    assertThat(grants.asked).hasSize(2);
    assertThat(admission.status(CUSTOMER, PERIOD).remaining()).isEqualTo(1);
    assertThat(admission.admit(new Write(CUSTOMER, 1), 0, PERIOD)).isEqualTo(Outcome.ADMITTED);
  }

  @Test
  void aReleasedReservationCanBeAdmittedAgainWithoutANewGrant() {
    grants.limits.put(CUSTOMER, 5L);
    Write five = new Write(CUSTOMER, 5);
    admission.admit(five, 0, PERIOD);
    assertThat(admission.admit(admission.pollReady(0), 0, PERIOD)).isEqualTo(Outcome.ADMITTED);

    admission.release(five, 0, PERIOD);

    assertThat(admission.admit(five, 0, PERIOD)).isEqualTo(Outcome.ADMITTED);
    assertThat(grants.asked).hasSize(1);
  }

  @Test
  void whenNoGrantCanBeObtainedTheWaitingRequestsAreHandedBack() {
    grants.failing = true;
    Write write = new Write(CUSTOMER, 1);

    assertThat(admission.admit(write, 0, PERIOD)).isEqualTo(Outcome.WAITING);

    assertThat(failed).containsExactly(write);
    assertThat(grantedSlots).isEmpty();
    assertThat(admission.idle()).isTrue();
  }

  @Test
  void aGrantNeverTakesBackFromLanesThatAreCommitting() {
    committing.add(1);

    admission.admit(new Write(CUSTOMER, 1), 0, PERIOD);

    assertThat(grants.busyLanes).containsExactly(Set.of(admission.lane(1)));
  }

  @Test
  void theStoreHearsOnceWhenTheMonthReachesEightyAndOnceAtAHundredPercent() {
    grants.limits.put(CUSTOMER, 10L);

    store(7);
    assertThat(grants.reached).isEmpty();
    store(1);
    assertThat(grants.reached).as("8 of 10").containsExactly(CUSTOMER);
    store(1);
    assertThat(grants.reached).as("9 of 10: the 80 % level was told already").hasSize(1);
    store(1);
    assertThat(grants.reached).as("10 of 10").hasSize(2);
  }

  /** Admits the events on slot 0 (after a grant if need be) and settles them as stored. */
  private void store(int events) {
    Write write = new Write(CUSTOMER, events);
    if (admission.admit(write, 0, PERIOD) == Outcome.WAITING) {
      assertThat(admission.admit(admission.pollReady(0), 0, PERIOD)).isEqualTo(Outcome.ADMITTED);
    }
    admission.settle(write, 0, PERIOD, events);
  }

  @Test
  void aPlanChangeStopsAdmissionsUntilTheNextGrant() {
    Write write = new Write(CUSTOMER, 1);
    admission.admit(write, 0, PERIOD);
    assertThat(admission.admit(admission.pollReady(0), 0, PERIOD)).isEqualTo(Outcome.ADMITTED);
    admission.settle(write, 0, PERIOD, 1);

    admission.planChanged(CUSTOMER);

    assertThat(admission.admit(new Write(CUSTOMER, 1), 0, PERIOD)).isEqualTo(Outcome.WAITING);
    assertThat(grants.asked).hasSize(2);
  }
}
