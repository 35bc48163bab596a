package com.apisentinel.limits;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/**
 * The key a client address is throttled under. An IPv4 address is one key; an IPv6 address is
 * keyed by its /64, the block one subscriber gets: a single attacker holds 2^64 addresses and would
 * otherwise get a fresh allowance from each. An IPv4-mapped IPv6 address counts as the IPv4 one.
 */
public final class ClientAddress {

  private static final int IPV6_PREFIX_BYTES = 8;

  private ClientAddress() {
  }

  /** The throttling key of a literal address as the socket reports it (never a host name to resolve). */
  public static String throttleKey(String host) {
    if (host == null || host.indexOf(':') < 0) {
      return host;
    }
    try {
      // A literal (it contains ':'), so this parses and never looks a name up.
      byte[] address = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
          .getAddress();
      if (address.length == 4) {
        return InetAddress.getByAddress(address).getHostAddress(); // ::ffff:a.b.c.d
      }
      return HexFormat.of().formatHex(address, 0, IPV6_PREFIX_BYTES) + "::/64";
    } catch (UnknownHostException notALiteral) {
      return host;
    }
  }
}
