package com.apisentinel.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Refresh tokens: 256 random bits, base64url, {@code rt_} prefix; stored only as SHA-256. */
final class OpaqueTokens {

  static final String PREFIX = "rt_";
  private static final int RANDOM_BYTES = 32;
  private static final int MAX_LENGTH = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private OpaqueTokens() {
  }

  static String generate() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static boolean isWellFormed(String token) {
    return token != null && token.startsWith(PREFIX) && token.length() <= MAX_LENGTH;
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE provides SHA-256", e);
    }
  }
}
