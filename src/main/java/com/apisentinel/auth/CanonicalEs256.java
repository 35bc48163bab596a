package com.apisentinel.auth;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;

/**
 * The one encoding of an ES256 signature this server signs and accepts: JOSE's raw R||S (RFC 7518
 * §3.4, 64 bytes, not DER) with S in the lower half of the group order. ECDSA verifies (R, n - S)
 * as well as (R, S), so without the low-S rule every token would have a second valid spelling:
 * anything that compares or stores tokens as strings (a revocation list, a log) could be sidestepped.
 */
final class CanonicalEs256 {

  /** The order n of P-256. */
  private static final BigInteger ORDER =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
  private static final BigInteger HALF_ORDER = ORDER.shiftRight(1);
  private static final int PART = 32;

  private CanonicalEs256() {
  }

  /** Whether the token's signature is 64 bytes of base64url, with 0 < R < n and 0 < S <= n/2. */
  static boolean isCanonical(String token) {
    byte[] signature = signature(token);
    if (signature == null || signature.length != 2 * PART) {
      return false;
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, PART));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, PART, 2 * PART));
    return r.signum() > 0 && r.compareTo(ORDER) < 0 && s.signum() > 0 && s.compareTo(HALF_ORDER) <= 0;
  }

  /** The token with its signature's S moved to the lower half (n - S) if it was in the upper one. */
  static String canonical(String token) {
    byte[] signature = signature(token);
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, PART, 2 * PART));
    if (s.compareTo(HALF_ORDER) <= 0) {
      return token;
    }
    byte[] low = ORDER.subtract(s).toByteArray();
    Arrays.fill(signature, PART, 2 * PART, (byte) 0);
    int length = Math.min(PART, low.length);
    System.arraycopy(low, low.length - length, signature, 2 * PART - length, length);
    return token.substring(0, token.lastIndexOf('.') + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
  }

  private static byte[] signature(String token) {
    int dot = token.lastIndexOf('.');
    String encoded = dot < 0 ? "" : token.substring(dot + 1);
    if (encoded.indexOf('=') >= 0) {
      return null; // JWS base64url has no padding
    }
    try {
      return Base64.getUrlDecoder().decode(encoded);
    } catch (IllegalArgumentException notBase64Url) {
      return null;
    }
  }
}
