package com.apisentinel.auth;

import com.apisentinel.limits.ClientAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Decides, before the password hash runs, whether a login attempt may run at all, and counts it as a
 * failure right away (taken back if it succeeds): parallel guesses are counted as they arrive, not
 * when their hashes finish, so 100 of them at once get a handful of 401s and 429 for the rest.
 *
 * <p>Three counters, the way identity providers separate "this address is guessing" from "this
 * account is targeted" so that throttling cannot lock a victim out of their own account:
 * <ul>
 *   <li><b>address and account together</b>: one address guessing one account is stopped after
 *       {@value #FREE_PER_PAIR} failures; the account's owner, elsewhere, is not affected;</li>
 *   <li><b>address</b>: one address guessing many accounts (an IPv6 /64 counts as one address);</li>
 *   <li><b>account</b>, for addresses it has never logged in from: a guessing attack spread over
 *       many addresses slows new addresses down, while the owner's own addresses (the last
 *       {@value #TRUSTED_ADDRESSES_PER_ACCOUNT} this node saw log in) keep getting in.</li>
 * </ul>
 * Every wait is capped, so nothing is locked for good. Event-loop confined, bounded in size.
 */
final class LoginGuard {

  static final int FREE_PER_PAIR = 5;
  static final int FREE_PER_ADDRESS = 20;
  static final int FREE_PER_ACCOUNT = 100;
  static final int TRUSTED_ADDRESSES_PER_ACCOUNT = 8;
  private static final Duration MAX_WAIT = Duration.ofMinutes(15);
  private static final int MAX_TRUSTED_ACCOUNTS = 100_000;

  /** Whether an attempt may go on, and which counters it was charged to. */
  record Admission(long waitSeconds, String email, String pairKey, String addressKey, boolean accountCharged) {
    boolean admitted() {
      return waitSeconds == 0;
    }
  }

  private final LoginThrottle pairs;
  private final LoginThrottle addresses;
  private final LoginThrottle accounts;
  private final Map<String, Set<String>> trusted = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
      return size() > MAX_TRUSTED_ACCOUNTS;
    }
  };

  LoginGuard(LongSupplier nanoClock) {
    pairs = new LoginThrottle(FREE_PER_PAIR, MAX_WAIT, nanoClock);
    addresses = new LoginThrottle(FREE_PER_ADDRESS, MAX_WAIT, nanoClock);
    accounts = new LoginThrottle(FREE_PER_ACCOUNT, MAX_WAIT, nanoClock);
  }

  /** @param email the normalized email; @param address the client's address as the socket gave it */
  Admission admit(String email, String address) {
    String addressKey = ClientAddress.throttleKey(address);
    String pairKey = email + '\n' + addressKey;
    boolean familiar = trusted.getOrDefault(email, Set.of()).contains(addressKey);
    long wait = Math.max(pairs.secondsToWait(pairKey), addresses.secondsToWait(addressKey));
    if (!familiar) {
      wait = Math.max(wait, accounts.secondsToWait(email));
    }
    if (wait == 0) {
      pairs.failed(pairKey);
      addresses.failed(addressKey);
      if (!familiar) {
        accounts.failed(email);
      }
    }
    return new Admission(wait, email, pairKey, addressKey, !familiar);
  }

  /** The attempt ended before the password was judged: what it was charged is taken back. */
  void abandoned(Admission admission) {
    pairs.undo(admission.pairKey());
    addresses.undo(admission.addressKey());
    if (admission.accountCharged()) {
      accounts.undo(admission.email());
    }
  }

  /** The password was right: the attempt's failures are taken back and the address becomes familiar. */
  void succeeded(Admission admission) {
    pairs.succeeded(admission.pairKey());
    addresses.undo(admission.addressKey());
    if (admission.accountCharged()) {
      accounts.undo(admission.email());
    }
    Set<String> familiar = trusted.computeIfAbsent(admission.email(), email -> new LinkedHashSet<>());
    familiar.remove(admission.addressKey());
    familiar.add(admission.addressKey());
    if (familiar.size() > TRUSTED_ADDRESSES_PER_ACCOUNT) {
      familiar.remove(familiar.iterator().next());
    }
  }
}
