package com.apisentinel.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Loads the configured ES256 key pair (PEM), or makes a throw-away one for the dev profile. */
public final class JwtKeys {

  private JwtKeys() {
  }

  public record Pem(String privateKey, String publicKey) {
  }

  public static Pem generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      return new Pem(pem("PRIVATE KEY", pair.getPrivate().getEncoded()), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JRE can generate a P-256 key pair", e);
    }
  }

  /** @return the PEM text: {@code inline} if set, else the file's content, else empty */
  static String read(String inline, String file, String setting) {
    if (!inline.isBlank()) {
      return inline.replace("\\n", "\n");
    }
    if (file.isBlank()) {
      return "";
    }
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new InvalidConfigException(setting + ": cannot read " + file);
    }
  }

  /** Fails with a message naming the setting unless both PEMs hold P-256 keys. */
  static void check(Pem pem) {
    try {
      KeyFactory ec = KeyFactory.getInstance("EC");
      ec.generatePrivate(new PKCS8EncodedKeySpec(der(pem.privateKey())));
      ec.generatePublic(new X509EncodedKeySpec(der(pem.publicKey())));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new InvalidConfigException("sentinel.security.jwt: the key pair must be PEM EC P-256 keys "
          + "(PKCS#8 private key, X.509 public key)");
    }
  }

  private static byte[] der(String pem) {
    String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(base64);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
