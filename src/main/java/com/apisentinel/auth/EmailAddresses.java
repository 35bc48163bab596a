package com.apisentinel.auth;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The one form of an email address that accounts are unique in and looked up by. NFKC folds
 * compatibility characters (full-width {@code ｏｐｓ@example.com} is {@code ops@example.com}), case is
 * folded, and the domain takes its ASCII (IDNA) form. The local part must be ASCII after folding:
 * letters from other scripts that look like Latin ones (a Cyrillic {@code о}) would otherwise make a
 * second account for what reads as the same address.
 */
public final class EmailAddresses {

  private EmailAddresses() {
  }

  /** The normalized address, or null when it has no acceptable normalized form. */
  public static String normalize(String email) {
    String folded = Normalizer.normalize(email, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    int at = folded.lastIndexOf('@');
    if (at <= 0 || at == folded.length() - 1) {
      return null;
    }
    String local = folded.substring(0, at);
    if (!local.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return null;
    }
    try {
      return local + "@" + IDN.toASCII(folded.substring(at + 1), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException notADomain) {
      return null;
    }
  }
}
