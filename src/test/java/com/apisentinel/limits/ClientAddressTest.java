package com.apisentinel.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

  @Test
  void anIpv6AddressCountsAsItsSlash64() {
    assertThat(ClientAddress.throttleKey("2001:db8:1:2::1")).isEqualTo(ClientAddress.throttleKey("2001:db8:1:2:ffff::9"))
        .isEqualTo(ClientAddress.throttleKey("[2001:db8:1:2::7]")).isEqualTo("20010db800010002::/64");
    assertThat(ClientAddress.throttleKey("2001:db8:1:3::1")).isNotEqualTo(ClientAddress.throttleKey("2001:db8:1:2::1"));
  }

  @Test
  void ipv4AndIpv4MappedAddressesAreTheSameKey() {
    assertThat(ClientAddress.throttleKey("203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(ClientAddress.throttleKey("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
  }
}
