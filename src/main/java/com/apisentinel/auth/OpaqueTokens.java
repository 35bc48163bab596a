package com.apisentinel.auth;

import java.security.SecureRandom;
import java.util.regex.Pattern;
import java.util.Base64;

/** Refresh tokens: 256 random bits, base64url, {@code rt_} prefix; stored only as SHA-256. */
final class OpaqueTokens {

  static final String PREFIX = "rt_";
  private static final int RANDOM_BYTES = 32;
  /** 32 bytes in unpadded base64url are 43 characters. */
  private static final Pattern SHAPE = Pattern.compile("rt_[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private OpaqueTokens() {
  }

  static String generate() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static boolean isWellFormed(String token) {
    return token != null && SHAPE.matcher(token).matches();
  }

  /** Well-formed tokens are ASCII (base64url), as API keys are: the same digest serves both. */
  static byte[] hash(String token) {
    return ApiKeys.sha256(token);
  }
}
