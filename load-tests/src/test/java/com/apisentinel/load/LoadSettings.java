package com.apisentinel.load;

/**
 * What a simulation runs against and how hard, from {@code -D} properties:
 * {@code baseUrl} (http://127.0.0.1:8080), {@code adminToken} (the server's
 * SENTINEL_ADMIN_TOKEN: customers are moved to {@code tier} so that the free plan's rate limit
 * does not cap the load), {@code tier} (enterprise), {@code customers} (20), {@code rate} (arrivals
 * per second), {@code duration} (seconds), {@code maxRate} (Overload's peak), {@code connections}
 * (sockets the generator may open, 256).
 */
final class LoadSettings {

  static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  static final String ADMIN_TOKEN = System.getProperty("adminToken", "");
  static final String TIER = System.getProperty("tier", "enterprise");
  static final int CUSTOMERS = Integer.getInteger("customers", 20);
  static final int DURATION_SECONDS = Integer.getInteger("duration", 60);
  static final int CONNECTIONS = Integer.getInteger("connections", 256);

  private LoadSettings() {
  }

  static double rate(double fallback) {
    String rate = System.getProperty("rate");
    return rate == null ? fallback : Double.parseDouble(rate);
  }

  static double maxRate(double fallback) {
    String rate = System.getProperty("maxRate");
    return rate == null ? fallback : Double.parseDouble(rate);
  }
}
