package com.apisentinel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void generatedKeysHaveTheDocumentedShapeAndAreUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ApiKeys.Generated key = ApiKeys.generate();
      assertThat(key.key()).matches("sk_live_[0-9A-Za-z]{46}");
      assertThat(key.prefix()).isEqualTo(key.key().substring(0, 12));
      assertThat(key.hash()).isEqualTo(ApiKeys.sha256(key.key())).hasSize(32);
      assertThat(ApiKeys.isWellFormed(key.key())).isTrue();
      assertThat(seen.add(key.key())).isTrue();
    }
  }

  @Test
  void anySingleCharacterTypoIsCaughtByTheChecksum() {
    String key = ApiKeys.generate().key();
    int caught = 0;
    int typos = 0;
    for (int i = ApiKeys.KEY_PREFIX.length(); i < key.length(); i++) {
      for (char c : new char[] {'0', 'a', 'Z', 'q'}) {
        if (key.charAt(i) != c) {
          typos++;
          String typo = key.substring(0, i) + c + key.substring(i + 1);
          caught += ApiKeys.isWellFormed(typo) ? 0 : 1;
        }
      }
    }
    assertThat(caught).isEqualTo(typos);
  }

  @Test
  void madeUpOrTruncatedKeysAreNotWellFormed() {
    String key = ApiKeys.generate().key();
    assertThat(ApiKeys.isWellFormed(key.substring(0, key.length() - 1))).isFalse();
    assertThat(ApiKeys.isWellFormed("sk_live_" + "a".repeat(46))).isFalse();
    assertThat(ApiKeys.isWellFormed("sk_test_" + key.substring(8))).isFalse();
    assertThat(ApiKeys.isWellFormed(key + "!")).isFalse();
    assertThat(ApiKeys.isWellFormed("sk_live_")).isFalse();
    assertThat(ApiKeys.isWellFormed("sk_live_" + "a".repeat(500))).isFalse();
  }
}
