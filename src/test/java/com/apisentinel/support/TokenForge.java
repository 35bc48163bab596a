package com.apisentinel.support;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds JWTs by hand, so tests can make every kind of bad token an attacker could. */
public final class TokenForge {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private TokenForge() {
  }

  public static String es256(JsonObject claims, String privateKeyPem) {
    String signingInput = signingInput("ES256", claims);
    try {
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(privateKeyPem)));
      Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
      signature.initSign(key);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      String token = signingInput + "." + B64.encodeToString(signature.sign());
      return isLowS(token) ? token : flipS(token); // the server accepts the low-S form only; n - S flips it
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The P-256 group order n. */
  private static final java.math.BigInteger ORDER = new java.math.BigInteger(
      "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  public static boolean isLowS(String token) {
    byte[] signature = signature(token);
    return signature.length == 64
        && new java.math.BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64)).compareTo(ORDER.shiftRight(1)) <= 0;
  }

  /** The same token with S replaced by n - S: as valid for ECDSA, and low S where it was high (and back). */
  public static String flipS(String token) {
    byte[] signature = signature(token);
    java.math.BigInteger s = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64));
    byte[] flipped = ORDER.subtract(s).toByteArray();
    byte[] out = java.util.Arrays.copyOf(signature, 64);
    java.util.Arrays.fill(out, 32, 64, (byte) 0);
    int length = Math.min(32, flipped.length);
    System.arraycopy(flipped, flipped.length - length, out, 64 - length, length);
    return withSignature(token, out);
  }

  /** The same signature in ASN.1 DER, as Java's plain SHA256withECDSA writes it. */
  public static String derSignature(String token) {
    byte[] signature = signature(token);
    byte[] r = integer(java.util.Arrays.copyOfRange(signature, 0, 32));
    byte[] s = integer(java.util.Arrays.copyOfRange(signature, 32, 64));
    byte[] der = new byte[2 + r.length + s.length];
    der[0] = 0x30;
    der[1] = (byte) (r.length + s.length);
    System.arraycopy(r, 0, der, 2, r.length);
    System.arraycopy(s, 0, der, 2 + r.length, s.length);
    return withSignature(token, der);
  }

  private static byte[] integer(byte[] unsigned) {
    byte[] value = new java.math.BigInteger(1, unsigned).toByteArray();
    byte[] tlv = new byte[2 + value.length];
    tlv[0] = 0x02;
    tlv[1] = (byte) value.length;
    System.arraycopy(value, 0, tlv, 2, value.length);
    return tlv;
  }

  private static byte[] signature(String token) {
    return Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
  }

  private static String withSignature(String token, byte[] signature) {
    return token.substring(0, token.lastIndexOf('.') + 1) + B64.encodeToString(signature);
  }

  public static String unsigned(JsonObject claims) {
    return signingInput("none", claims) + ".";
  }

  /** The classic confusion attack: HMAC keyed with the server's public key text. */
  public static String hs256WithPublicKey(JsonObject claims, String publicKeyPem) {
    String signingInput = signingInput("HS256", claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(publicKeyPem.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same token with its payload replaced and the original signature kept. */
  public static String withPayload(String token, JsonObject claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
  }

  public static JsonObject payload(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private static String signingInput(String alg, JsonObject claims) {
    String header = new JsonObject().put("alg", alg).put("typ", "JWT").encode();
    return B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] der(String pem) {
    return Base64.getDecoder().decode(pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", ""));
  }
}
