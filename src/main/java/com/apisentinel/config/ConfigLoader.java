package com.apisentinel.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.vertx.pgclient.PgConnectOptions;
import java.io.File;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads {@code config/sentinel.conf} (or the copy bundled in the jar), applies environment
 * overrides and explicit overrides (tests), and turns the result into typed, validated records.
 * Any problem becomes one {@link InvalidConfigException} naming the setting.
 */
public final class ConfigLoader {

  static final String FILE_ENV = "SENTINEL_CONFIG_FILE";
  private static final String DEFAULT_FILE = "config/sentinel.conf";
  private static final int MIN_ADMIN_TOKEN_LENGTH = 32;

  private ConfigLoader() {
  }

  public static SentinelConfig load() {
    return load(Map.of());
  }

  /** @param overrides dotted paths such as {@code sentinel.http.port}, applied over file and environment */
  public static SentinelConfig load(Map<String, ?> overrides) {
    Config config;
    try {
      config = ConfigFactory.parseMap(overrides, "overrides")
          .withFallback(defaults())
          .resolve()
          .getConfig("sentinel");
    } catch (ConfigException e) {
      throw new InvalidConfigException("configuration: " + e.getMessage());
    }
    return parse(config);
  }

  private static Config defaults() {
    String path = Optional.ofNullable(System.getenv(FILE_ENV)).orElse(DEFAULT_FILE);
    File file = new File(path);
    if (file.isFile()) {
      return ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
    }
    if (System.getenv(FILE_ENV) != null) {
      throw new InvalidConfigException(FILE_ENV + ": no such file " + path);
    }
    return ConfigFactory.parseResources("sentinel.conf", ConfigParseOptions.defaults().setAllowMissing(false));
  }

  private static SentinelConfig parse(Config c) {
    Profile profile = parseProfile(c);
    return new SentinelConfig(profile, http(c), database(c), writer(c), security(c, profile), plans(c),
        webhooks(c, profile)).validate();
  }

  private static Profile parseProfile(Config c) {
    String value = string(c, "profile");
    try {
      return Profile.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid(c, "profile", "must be dev or prod");
    }
  }

  private static HttpConfig http(Config c) {
    int port = intIn(c, "http.port", 0, 65535);
    int instances = intIn(c, "http.instances", 0, 256);
    return new HttpConfig(string(c, "http.host"), port, instances,
        intIn(c, "http.maxBodyBytes", 1024, 64 << 20),
        millisIn(c, "http.shutdownTimeoutMs", 0, 60_000),
        millisIn(c, "http.requestReadTimeoutMs", 1000, 600_000), corsOrigins(c));
  }

  /** Comma-separated origins; never "*": pages of any site could then read a customer's data with its key. */
  private static Set<String> corsOrigins(Config c) {
    Set<String> origins = new LinkedHashSet<>();
    for (String origin : string(c, "http.corsOrigins").split(",")) {
      String trimmed = origin.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!trimmed.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
        throw invalid(c, "http.corsOrigins", "must list origins such as https://shop.example.com, separated by "
            + "commas (no path, no \"*\")");
      }
      origins.add(trimmed.toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(origins);
  }

  private static DatabaseConfig database(Config c) {
    String url = string(c, "database.url");
    PgConnectOptions options;
    try {
      if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
        throw new IllegalArgumentException("scheme");
      }
      options = PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw invalid(c, "database.url", "must look like postgresql://user[:password]@host:port/database");
    }
    return new DatabaseConfig(options.getHost(), options.getPort(), options.getDatabase(), options.getUser(),
        hasPassword(url) ? options.getPassword() : null,
        intIn(c, "database.poolSize", 1, 100), intIn(c, "database.poolWaitQueue", 1, 100_000),
        millisIn(c, "database.connectTimeoutMs", 100, 60_000));
  }

  private static WriterConfig writer(Config c) {
    int maxBatch = intIn(c, "writer.maxBatchEvents", 1, 50_000);
    int capacity = intIn(c, "writer.queueCapacity", 1, 10_000_000);
    return new WriterConfig(maxBatch, millisIn(c, "writer.maxDelayMs", 0, 1000), capacity,
        intIn(c, "writer.connections", 1, 64), millisIn(c, "writer.ackTimeoutMs", 100, 60_000),
        millisIn(c, "writer.commitTimeoutMs", 100, 300_000));
  }

  /**
   * The development key is public (it is in this file), which is fine for a laptop and why prod
   * refuses to start without a key of its own.
   */
  private static final String DEV_SECRETS_KEY = "ZGV2LW9ubHktd2ViaG9vay1zZWNyZXRzLWtleS0zMmI=";

  private static WebhookConfig webhooks(Config c, Profile profile) {
    String key = string(c, "webhooks.secretsKey").trim();
    boolean builtIn = key.isEmpty();
    if (builtIn && profile == Profile.PROD) {
      throw invalid(c, "webhooks.secretsKey", "is required in the prod profile (SENTINEL_WEBHOOK_SECRETS_KEY: "
          + "base64 of 32 random bytes)");
    }
    if (!builtIn) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(key);
      } catch (IllegalArgumentException e) {
        bytes = new byte[0];
      }
      if (bytes.length != 32) {
        throw invalid(c, "webhooks.secretsKey", "must be base64 of exactly 32 bytes");
      }
    }
    return new WebhookConfig(builtIn ? DEV_SECRETS_KEY : key, builtIn, intIn(c, "webhooks.maxInFlight", 1, 10_000),
        intIn(c, "webhooks.maxInFlightPerEndpoint", 1, 100), millisIn(c, "webhooks.pollIntervalMs", 50, 60_000),
        millisIn(c, "webhooks.alertEvaluationIntervalMs", 100, 30_000));
  }

  private static Plans plans(Config c) {
    if (!c.hasPath("plans")) {
      throw new InvalidConfigException("sentinel.plans is missing (plans: " + Plans.REQUIRED + ")");
    }
    Map<String, Plan> plans = new TreeMap<>();
    for (String tier : c.getConfig("plans").root().keySet()) {
      String path = "plans." + tier;
      if (!tier.matches("[a-z][a-z0-9-]{0,31}")) {
        throw invalid(c, path, "must be named with lower-case letters, digits and dashes");
      }
      plans.put(tier, new Plan(tier, intIn(c, path + ".requestsPerSecond", 1, 10_000_000),
          intIn(c, path + ".burst", 1, 100_000_000), longIn(c, path + ".monthlyEvents", 0, Long.MAX_VALUE / 2),
          c.hasPath(path + ".feeBasisPoints") ? intIn(c, path + ".feeBasisPoints", 0, 10_000)
              : Plan.DEFAULT_FEE_BASIS_POINTS));
    }
    for (String required : Plans.REQUIRED) {
      if (!plans.containsKey(required)) {
        throw new InvalidConfigException("sentinel.plans." + required + " is missing (plans: " + Plans.REQUIRED + ")");
      }
    }
    return new Plans(plans);
  }

  private static SecurityConfig security(Config c, Profile profile) {
    Optional<String> adminToken = Optional.of(string(c, "security.adminToken")).filter(s -> !s.isBlank());
    if (adminToken.isPresent() && adminToken.get().length() < MIN_ADMIN_TOKEN_LENGTH) {
      throw invalid(c, "security.adminToken", "must be at least " + MIN_ADMIN_TOKEN_LENGTH + " characters");
    }
    if (adminToken.isEmpty() && profile == Profile.PROD) {
      throw invalid(c, "security.adminToken", "is required in the prod profile (SENTINEL_ADMIN_TOKEN)");
    }
    return new SecurityConfig(adminToken, millisIn(c, "security.apiKeyCacheTtlMs", 0, 60_000),
        intIn(c, "security.apiKeyCacheSize", 16, 10_000_000), jwt(c, profile),
        intIn(c, "security.registrationBurst", 1, 1_000_000),
        Duration.ofSeconds(intIn(c, "security.registrationIntervalSeconds", 1, 86_400)),
        intIn(c, "security.registrationsPerMinute", 1, 1_000_000));
  }

  private static JwtConfig jwt(Config c, Profile profile) {
    String privateKey = JwtKeys.read(string(c, "security.jwt.privateKey"), string(c, "security.jwt.privateKeyFile"),
        "sentinel.security.jwt.privateKeyFile");
    String publicKey = JwtKeys.read(string(c, "security.jwt.publicKey"), string(c, "security.jwt.publicKeyFile"),
        "sentinel.security.jwt.publicKeyFile");
    boolean generated = privateKey.isEmpty() && publicKey.isEmpty();
    if (generated && profile == Profile.PROD) {
      throw invalid(c, "security.jwt.privateKeyFile", "and publicKeyFile (or SENTINEL_JWT_PRIVATE_KEY and "
          + "SENTINEL_JWT_PUBLIC_KEY) are required in the prod profile");
    }
    JwtKeys.Pem pem = generated ? JwtKeys.generate() : new JwtKeys.Pem(privateKey, publicKey);
    JwtKeys.check(pem);
    return new JwtConfig(string(c, "security.jwt.issuer"), string(c, "security.jwt.audience"),
        Duration.ofSeconds(intIn(c, "security.jwt.accessTokenTtlSeconds", 60, 86_400)),
        Duration.ofSeconds(intIn(c, "security.jwt.refreshTokenTtlSeconds", 3600, 31_536_000)),
        pem.privateKey(), pem.publicKey(), generated);
  }

  private static String string(Config c, String path) {
    try {
      return c.getString(path);
    } catch (ConfigException e) {
      throw new InvalidConfigException("sentinel." + path + ": " + reason(e));
    }
  }

  private static int intIn(Config c, String path, int min, int max) {
    return (int) longIn(c, path, min, max);
  }

  private static long longIn(Config c, String path, long min, long max) {
    long value;
    try {
      value = c.getLong(path);
    } catch (ConfigException e) {
      throw invalid(c, path, "must be a whole number from " + min + " to " + max);
    }
    if (value < min || value > max) {
      throw invalid(c, path, "must be from " + min + " to " + max);
    }
    return value;
  }

  private static Duration millisIn(Config c, String path, int min, int max) {
    return Duration.ofMillis(intIn(c, path, min, max));
  }

  private static InvalidConfigException invalid(Config c, String path, String expectation) {
    String lower = path.toLowerCase(Locale.ROOT);
    String shown = c.hasPath(path) && !lower.contains("token") && !lower.contains("secret")
        && !path.endsWith("url") ? " (got \"" + c.getValue(path).unwrapped() + "\")" : "";
    String origin = c.hasPath(path) ? ", set in " + c.getValue(path).origin().description() : "";
    return new InvalidConfigException("sentinel." + path + " " + expectation + shown + origin);
  }

  private static String reason(ConfigException e) {
    return e instanceof ConfigException.Missing ? "is missing" : e.getMessage();
  }

  /** PgConnectOptions fills in a default password; only one written in the URL counts. */
  private static boolean hasPassword(String url) {
    int schemeEnd = url.indexOf("://") + 3;
    int at = url.indexOf('@', schemeEnd);
    return at > 0 && url.substring(schemeEnd, at).contains(":");
  }
}
