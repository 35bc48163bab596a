package com.apisentinel.webhook;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which URLs may receive webhooks. Anyone can register an endpoint, so a URL must not turn the
 * server into a way into its own network (SSRF): with {@code publicOnly} (the prod profile) only
 * https, and only hosts whose every address is public — checked when the endpoint is saved and
 * again before each delivery, since DNS can change, and the delivery then connects to the very
 * address that was checked. Without it (dev) http and loopback are allowed, for local receivers.
 */
public final class EndpointUrls {

  public static final int MAX_LENGTH = 2048;

  /**
   * Look-ups block and a host of the customer's choosing may answer slowly: they run on a small pool
   * of their own (shared by every user of this name, closed with the verticle that made it), never
   * on Vert.x's worker pool, where password hashing waits.
   */
  public static WorkerExecutor lookups(Vertx vertx) {
    return vertx.createSharedWorkerExecutor("sentinel-webhook-dns", 4);
  }

  private final boolean publicOnly;

  public EndpointUrls(boolean publicOnly) {
    this.publicOnly = publicOnly;
  }

  /** A URL that passed the checks, and the address to connect to. */
  public record Target(URI uri, InetAddress address, int port) {
  }

  /** A URL that may not receive webhooks; the message says why, for the customer. */
  public static final class RefusedUrlException extends RuntimeException {
    public RefusedUrlException(String message) {
      super(message, null, false, false);
    }
  }

  /** Syntax only: cheap, on any thread. */
  public URI parse(String url) {
    if (url == null || url.length() > MAX_LENGTH) {
      throw new RefusedUrlException("must be an absolute http(s) URL of at most " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new RefusedUrlException("is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(scheme.equals("http") && !publicOnly)) {
      throw new RefusedUrlException(publicOnly ? "must be an https URL" : "must be an http or https URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new RefusedUrlException("must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new RefusedUrlException("must not carry credentials");
    }
    if (uri.getRawFragment() != null) {
      throw new RefusedUrlException("must not have a fragment");
    }
    return uri;
  }

  /** Resolves the host (blocking: call on a worker) and checks every address it has. */
  public Target resolve(String url) {
    URI uri = parse(url);
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(uri.getHost());
    } catch (UnknownHostException e) {
      throw new RefusedUrlException("names a host that does not resolve");
    }
    if (publicOnly) {
      for (InetAddress address : addresses) {
        if (!isPublic(address)) {
          throw new RefusedUrlException("resolves to a private, loopback or link-local address");
        }
      }
    }
    int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    return new Target(uri, addresses[0], port);
  }

  static boolean isPublic(InetAddress address) {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      // 100.64.0.0/10 (carrier-grade NAT), 0.0.0.0/8, 192.0.0.0/24, 198.18.0.0/15 (benchmarking).
      return !(first == 100 && second >= 64 && second < 128) && first != 0
          && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) && !(first == 198 && (second == 18 || second == 19));
    }
    if (address instanceof Inet6Address) {
      // fc00::/7 unique local; an IPv4-mapped address is judged as the IPv4 address it carries.
      if ((b[0] & 0xfe) == 0xfc) {
        return false;
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
          return false;
        }
      }
    }
    return true;
  }
}
