package com.apisentinel.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/**
 * API key format: {@code sk_live_} + 40 random base62 characters + a 6-character base62 CRC-32 of
 * everything before it. The checksum lets a mistyped or invented key be refused without any
 * lookup; keys are stored and cached only as their SHA-256 (high entropy needs no slow hash).
 */
public final class ApiKeys {

  public static final String KEY_PREFIX = "sk_live_";
  static final int RANDOM_LENGTH = 40;
  static final int CHECKSUM_LENGTH = 6;
  /** API.md: at least 32 base62 characters after the prefix; the upper bound keeps junk cheap. */
  private static final int MIN_BODY_LENGTH = 32;
  private static final int MAX_KEY_LENGTH = 128;
  private static final int DISPLAY_PREFIX_LENGTH = 12;
  private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {
  }

  /** A new key: the full value (shown once), its hash (stored) and its display prefix. */
  public record Generated(String key, byte[] hash, String prefix) {
    @Override
    public String toString() {
      return "Generated[prefix=" + prefix + "]";
    }
  }

  public static Generated generate() {
    StringBuilder key = new StringBuilder(KEY_PREFIX.length() + RANDOM_LENGTH + CHECKSUM_LENGTH).append(KEY_PREFIX);
    for (int i = 0; i < RANDOM_LENGTH; i++) {
      key.append(BASE62[RANDOM.nextInt(BASE62.length)]);
    }
    key.append(checksum(key));
    String value = key.toString();
    return new Generated(value, sha256(value), value.substring(0, DISPLAY_PREFIX_LENGTH));
  }

  /** True when the credential has the key shape and a correct checksum; costs no I/O. */
  public static boolean isWellFormed(String credential) {
    int length = credential.length();
    if (length > MAX_KEY_LENGTH || length < KEY_PREFIX.length() + MIN_BODY_LENGTH
        || !credential.startsWith(KEY_PREFIX)) {
      return false;
    }
    for (int i = KEY_PREFIX.length(); i < length; i++) {
      if (!isBase62(credential.charAt(i))) {
        return false;
      }
    }
    CharSequence body = credential.subSequence(0, length - CHECKSUM_LENGTH);
    return checksum(body).contentEquals(credential.subSequence(length - CHECKSUM_LENGTH, length));
  }

  public static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE provides SHA-256", e);
    }
  }

  static String checksum(CharSequence text) {
    CRC32 crc = new CRC32();
    for (int i = 0; i < text.length(); i++) {
      crc.update(text.charAt(i));
    }
    long value = crc.getValue();
    char[] digits = new char[CHECKSUM_LENGTH];
    for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
      digits[i] = BASE62[(int) (value % BASE62.length)];
      value /= BASE62.length;
    }
    return new String(digits);
  }

  private static boolean isBase62(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
}
