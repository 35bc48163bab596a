package com.apisentinel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailAddressesTest {

  @Test
  void compatibilityFormsAndCaseFoldToOneAddress() {
    assertThat(EmailAddresses.normalize("Ops@Example.COM")).isEqualTo("ops@example.com");
    assertThat(EmailAddresses.normalize("\uFF4F\uFF50\uFF53@\uFF45xample.com")).isEqualTo("ops@example.com");
    assertThat(EmailAddresses.normalize("ops@b\u00FCcher.example")).isEqualTo("ops@xn--bcher-kva.example");
  }

  @Test
  void lookalikeLettersFromOtherScriptsAreRefused() {
    assertThat(EmailAddresses.normalize("\u043Eps@example.com")).as("Cyrillic o").isNull();
    assertThat(EmailAddresses.normalize("ops@")).isNull();
    assertThat(EmailAddresses.normalize("@example.com")).isNull();
  }
}
