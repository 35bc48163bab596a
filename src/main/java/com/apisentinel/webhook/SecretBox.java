package com.apisentinel.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals endpoints' signing secrets at rest with AES-256-GCM under the server's key
 * ({@code webhooks.secretsKey}): a signing secret must be read back to sign, so it cannot be
 * hashed like a password, but a copy of the database alone does not reveal it. The sealed form
 * is a 12-byte random nonce followed by the ciphertext and its tag; the endpoint id is bound in
 * as associated data, so a sealed secret copied onto another endpoint does not open.
 */
public final class SecretBox {

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  public SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("an AES-256 key has 32 bytes");
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  public byte[] seal(byte[] secret, String boundTo) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(secret);
      return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JRE has AES-GCM", e);
    }
  }

  /** @throws IllegalStateException when the sealed bytes were not sealed under this key for {@code boundTo} */
  public byte[] open(byte[] sealed, String boundTo) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
      cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a webhook secret does not open with this server's secrets key", e);
    }
  }
}
