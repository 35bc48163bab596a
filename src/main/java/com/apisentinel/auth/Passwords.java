package com.apisentinel.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * argon2id with OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1). CPU- and memory-heavy by
 * design: call only from worker threads.
 */
final class Passwords {

  private static final Argon2Function ARGON2ID = Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID);
  private static final int SALT_BYTES = 16;

  private Passwords() {
  }

  /**
   * A hash of a random password: checking a login for an unknown email against it costs the same
   * time as a real check, so response times do not reveal which emails are registered.
   */
  static final String DECOY_HASH = hash("decoy password that matches no login");

  static boolean matches(String password, String phcHash) {
    return Password.check(password, phcHash).with(ARGON2ID);
  }

  /** @return a PHC string ($argon2id$v=19$m=19456,t=2,p=1$salt$hash) */
  static String hash(String password) {
    return Password.hash(password).addRandomSalt(SALT_BYTES).with(ARGON2ID).getResult();
  }
}
