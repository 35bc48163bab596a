package com.apisentinel.quota;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a request's events may join a batch on a writer slot. Each slot is a quota lane
 * of its own: a request is admitted only if that lane's grant covers all its events (reserved until
 * the batch is settled or released); otherwise it waits while the lane asks {@link QuotaGrants} for
 * more — one request for grant per customer and month at a time — and is refused whole once the
 * quota is known to be spent. Slots never share a lane, so a hot customer's batches on different
 * slots commit side by side; the database's CHECK on the lane keeps the quota exact across nodes.
 *
 * <p>Confined to the writer verticle's event loop, like the {@link QuotaLedger} it keeps.
 */
public final class QuotaAdmission<W extends Metered> {

  public enum Outcome { ADMITTED, REFUSED, WAITING }

  /** Told what became of requests that waited for a grant. */
  public interface Listener<W> {

    /** A grant arrived on the slot's lane: its requests wait in {@link #pollReady} and go before any other. */
    void granted(int slot);

    /** No grant could be obtained (the database is unreachable): the requests are no longer held here. */
    void grantFailed(List<W> writes, Throwable cause);
  }

  private static final Logger LOG = LoggerFactory.getLogger(QuotaAdmission.class);
  /** A grant that came up short while lanes were committing is asked for again after this pause. */
  static final long GRANT_RETRY_MS = 5;

  private record GrantKey(UUID customerId, QuotaPeriod period) {
  }

  private final Vertx vertx;
  private final QuotaGrants grants;
  private final QuotaLedger ledger;
  private final UUID[] lanes;
  /** Whether a slot is committing a batch: its lane's row is locked, a grant must not wait for it. */
  private final IntPredicate committing;
  private final Listener<W> listener;
  /** Per slot: requests whose grant just arrived on that slot's lane. */
  private final List<Deque<W>> ready = new ArrayList<>();
  /** Requests of one customer and month waiting for the grant asked for them. */
  private final Map<GrantKey, List<W>> waiting = new HashMap<>();
  /** The quota levels (1: 80 %, 2: 100 %) this node already reported, per customer and month. */
  private final Map<GrantKey, Integer> notifiedLevel = new HashMap<>();

  public QuotaAdmission(Vertx vertx, int slots, QuotaGrants grants, IntPredicate committing, LongSupplier nanoClock,
                        Listener<W> listener) {
    this.vertx = vertx;
    this.grants = grants;
    this.committing = committing;
    this.listener = listener;
    this.ledger = new QuotaLedger(slots, nanoClock);
    this.lanes = new UUID[slots];
    for (int slot = 0; slot < slots; slot++) {
      // A new lane per slot and process: no two transactions can ever count on the same lane at once.
      lanes[slot] = UUID.randomUUID();
      ready.add(new ArrayDeque<>());
    }
  }

  public UUID lane(int slot) {
    return lanes[slot];
  }

  /** Reserves the write's events on the slot's lane, or refuses it, or keeps it until a grant is known. */
  public Outcome admit(W write, int slot, QuotaPeriod period) {
    UUID customer = write.customerId();
    if (ledger.tryReserve(customer, period, slot, write.events())) {
      return Outcome.ADMITTED;
    }
    if (ledger.knownSpent(customer, period, write.events())) {
      return Outcome.REFUSED;
    }
    GrantKey key = new GrantKey(customer, period);
    List<W> already = waiting.get(key);
    if (already != null) {
      already.add(write);
    } else {
      List<W> first = new ArrayList<>();
      first.add(write);
      waiting.put(key, first);
      askForGrant(key, first, slot);
    }
    return Outcome.WAITING;
  }

  public W peekReady(int slot) {
    return ready.get(slot).peekFirst();
  }

  public W pollReady(int slot) {
    return ready.get(slot).pollFirst();
  }

  /**
   * After COMMIT: of the write's reserved events, {@code stored} were new (duplicates do not count).
   * When this brings the month to 80 % or 100 % of the quota as this node knows it, the store is
   * told once per level, off the ingest path.
   *
   * @return the quota as it stands now, for the request's answer (null: unlimited, or no grant seen)
   */
  public QuotaStatus settle(W write, int slot, QuotaPeriod period, int stored) {
    ledger.settle(write.customerId(), period, slot, write.events(), stored);
    QuotaStatus status = ledger.status(write.customerId(), period);
    if (status == null || stored == 0) {
      return status;
    }
    int level = status.remaining() == 0 ? 2 : status.remaining() * 5 <= status.limit() ? 1 : 0;
    if (level == 0) {
      return status;
    }
    GrantKey key = new GrantKey(write.customerId(), period);
    if (level > notifiedLevel.getOrDefault(key, 0)) {
      notifiedLevel.put(key, level);
      grants.usageReached(write.customerId(), period.firstDay()).onFailure(failure -> {
        LOG.warn("could not check quota notifications: {}", failure.toString());
        notifiedLevel.remove(key);
      });
    }
    return status;
  }

  /** The write was not committed: its reservation returns to the lane. */
  public void release(W write, int slot, QuotaPeriod period) {
    ledger.release(write.customerId(), period, slot, write.events());
  }

  /** @return null when the plan is unlimited or no grant was seen yet */
  public QuotaStatus status(UUID customerId, QuotaPeriod period) {
    return ledger.status(customerId, period);
  }

  /**
   * The lane's grant was smaller than this node believed (another node or a plan change took back
   * its unused part): reads the lane's balances of these customers again.
   */
  public Future<Void> reread(int slot, QuotaPeriod period, Set<UUID> customers) {
    return grants.balances(period.firstDay(), lanes[slot], customers).map(balances -> {
      customers.forEach(customer -> ledger.refreshed(customer, period, slot,
          balances.getOrDefault(customer, new QuotaGrants.LaneBalance(0, 0))));
      return null;
    });
  }

  /** The customer's plan changed (and its grants were taken back): nothing more is admitted before a new grant. */
  public void planChanged(UUID customerId) {
    ledger.planChanged(customerId);
  }

  public void forgetIdle(QuotaPeriod current) {
    ledger.forgetIdle(current);
    notifiedLevel.keySet().removeIf(key -> !key.period().equals(current));
  }

  /** No request waits for a grant or is ready to go. */
  public boolean idle() {
    return waiting.isEmpty() && ready.stream().allMatch(Deque::isEmpty);
  }

  /** Asks for everything the customer's waiting requests need; they are tried again when the answer comes. */
  private void askForGrant(GrantKey key, List<W> writes, int slot) {
    long need = writes.stream().mapToLong(Metered::events).sum();
    Set<UUID> busyLanes = new HashSet<>();
    for (int i = 0; i < lanes.length; i++) {
      if (committing.test(i)) {
        busyLanes.add(lanes[i]);
      }
    }
    grants.grant(key.customerId(), key.period().firstDay(), lanes[slot], need, busyLanes).onComplete(result -> {
      if (result.failed()) {
        LOG.warn("could not obtain a quota grant: {}", result.cause().toString());
        waiting.remove(key);
        listener.grantFailed(writes, result.cause());
        return;
      }
      QuotaGrants.Grant grant = result.result();
      ledger.granted(key.customerId(), key.period(), grant, ownLanes(grant.lanes()));
      if (grant.busy()) {
        vertx.setTimer(GRANT_RETRY_MS, id -> readyAgain(key, writes, slot));
      } else {
        readyAgain(key, writes, slot);
      }
    });
  }

  /** The waiting requests go first on the slot that was granted; what still does not fit waits again. */
  private void readyAgain(GrantKey key, List<W> writes, int slot) {
    waiting.remove(key);
    ready.get(slot).addAll(writes);
    listener.granted(slot);
  }

  private Map<Integer, QuotaGrants.LaneBalance> ownLanes(Map<UUID, QuotaGrants.LaneBalance> all) {
    Map<Integer, QuotaGrants.LaneBalance> own = new HashMap<>();
    for (int slot = 0; slot < lanes.length; slot++) {
      QuotaGrants.LaneBalance balance = all.get(lanes[slot]);
      if (balance != null) {
        own.put(slot, balance);
      }
    }
    return own;
  }
}
