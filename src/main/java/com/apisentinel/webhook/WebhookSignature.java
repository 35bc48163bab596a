package com.apisentinel.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: a secret is {@code whsec_} + base64 of 32 random bytes, and a message
 * is signed as {@code v1,} + base64(HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")); while a
 * rotated-out secret still signs, the header lists both signatures, separated by a space.
 */
public final class WebhookSignature {

  public static final String PREFIX = "whsec_";
  private static final int SECRET_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSignature() {
  }

  /** A new secret's bytes. */
  public static byte[] newSecret() {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return secret;
  }

  /** The secret as shown to the customer, once. */
  public static String display(byte[] secret) {
    return PREFIX + Base64.getEncoder().encodeToString(secret);
  }

  /** The {@code webhook-signature} header: one {@code v1,…} per secret, newest first. */
  public static String header(List<byte[]> secrets, String messageId, long timestampSeconds, byte[] body) {
    byte[] signed = signedContent(messageId, timestampSeconds, body);
    return secrets.stream().map(secret -> "v1," + Base64.getEncoder().encodeToString(hmac(secret, signed)))
        .collect(Collectors.joining(" "));
  }

  private static byte[] signedContent(String messageId, long timestampSeconds, byte[] body) {
    byte[] head = (messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
    byte[] content = new byte[head.length + body.length];
    System.arraycopy(head, 0, content, 0, head.length);
    System.arraycopy(body, 0, content, head.length, body.length);
    return content;
  }

  private static byte[] hmac(byte[] secret, byte[] content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(content);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JRE has HmacSHA256", e);
    }
  }
}
