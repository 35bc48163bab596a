package com.apisentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  private static final String SECRETS_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  @Test
  void defaultsComeFromConfigDirectory() {
    SentinelConfig config = ConfigLoader.load(Map.of("sentinel.profile", "dev"));
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().maxBodyBytes()).isEqualTo(1 << 20);
    assertThat(config.database().host()).isEqualTo("127.0.0.1");
    assertThat(config.database().database()).isEqualTo("sentinel");
    assertThat(config.database().user()).isEqualTo("postgres");
    assertThat(config.database().password()).isNull();
    assertThat(config.writer().maxDelay()).isEqualTo(Duration.ofMillis(2));
    assertThat(config.security().adminToken()).isEmpty();
  }

  @Test
  void databaseUrlIsParsedAndItsPasswordNeverPrinted() {
    SentinelConfig config = ConfigLoader.load(Map.of("sentinel.profile", "dev",
        "sentinel.database.url", "postgresql://app:s3cret@db.internal:6543/events"));
    DatabaseConfig db = config.database();
    assertThat(db.host()).isEqualTo("db.internal");
    assertThat(db.port()).isEqualTo(6543);
    assertThat(db.database()).isEqualTo("events");
    assertThat(db.password()).isEqualTo("s3cret");
    assertThat(config.toString()).doesNotContain("s3cret");
  }

  @Test
  void badValueStopsStartUpNamingTheSetting() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "dev", "sentinel.http.port", "eighty")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("sentinel.http.port").hasMessageContaining("whole number");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "dev", "sentinel.http.port", 70000)))
        .hasMessageContaining("sentinel.http.port must be from 0 to 65535");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "dev", "sentinel.database.url", "mysql://x")))
        .hasMessageContaining("sentinel.database.url");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "staging")))
        .hasMessageContaining("sentinel.profile must be dev or prod");
  }

  @Test
  void prodRequiresAStrongAdminTokenAndNeverEchoesIt() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "prod")))
        .hasMessageContaining("sentinel.security.adminToken");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "dev", "sentinel.security.adminToken", "short")))
        .hasMessageContaining("at least 32").hasMessageNotContaining("short\"");
    String token = "t".repeat(40);
    JwtKeys.Pem keys = JwtKeys.generate();
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "prod", "sentinel.security.adminToken", token)))
        .hasMessageContaining("sentinel.security.jwt.privateKeyFile");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "prod", "sentinel.security.adminToken", token,
        "sentinel.security.jwt.privateKey", keys.privateKey(), "sentinel.security.jwt.publicKey", keys.publicKey())))
        .hasMessageContaining("sentinel.webhooks.secretsKey is required in the prod profile");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "prod", "sentinel.security.adminToken", token,
        "sentinel.security.jwt.privateKey", keys.privateKey(), "sentinel.security.jwt.publicKey", keys.publicKey(),
        "sentinel.webhooks.secretsKey", "c2hvcnQtc2VjcmV0")))
        .hasMessageContaining("must be base64 of exactly 32 bytes").hasMessageNotContaining("c2hvcnQtc2VjcmV0");
    SentinelConfig config = ConfigLoader.load(Map.of("sentinel.profile", "prod", "sentinel.security.adminToken", token,
        "sentinel.security.jwt.privateKey", keys.privateKey(), "sentinel.security.jwt.publicKey", keys.publicKey(),
        "sentinel.webhooks.secretsKey", SECRETS_KEY));
    assertThat(config.webhooks().builtInKey()).isFalse();
    assertThat(config.toString()).doesNotContain(SECRETS_KEY);
    assertThat(config.profile()).isEqualTo(Profile.PROD);
    assertThat(config.security().adminToken()).contains(token);
    assertThat(config.toString()).doesNotContain(token).doesNotContain(keys.privateKey().substring(30, 60));
    assertThat(config.security().jwt().generatedKeys()).isFalse();
  }

  @Test
  void jwtKeysThatAreNotP256PemAreRefused() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "dev",
        "sentinel.security.jwt.privateKey", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        "sentinel.security.jwt.publicKey", "nope")))
        .hasMessageContaining("sentinel.security.jwt");
  }

  @Test
  void settingsThatContradictEachOtherStopStartUpNamingBoth() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "dev",
        "sentinel.http.shutdownTimeoutMs", 8000, "sentinel.writer.ackTimeoutMs", 2000)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("sentinel.http.shutdownTimeoutMs (8000) plus sentinel.writer.ackTimeoutMs (2000)")
        .hasMessageContaining("at most 9000 ms");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "dev",
        "sentinel.writer.maxBatchEvents", 5000, "sentinel.writer.queueCapacity", 4000)))
        .hasMessageContaining("sentinel.writer.maxBatchEvents (5000) must not exceed sentinel.writer.queueCapacity (4000)");
    assertThat(ConfigLoader.load(Map.of("sentinel.profile", "dev",
        "sentinel.http.shutdownTimeoutMs", 7000, "sentinel.writer.ackTimeoutMs", 2000,
        "sentinel.writer.maxBatchEvents", 4000, "sentinel.writer.queueCapacity", 4000)).writer().queueCapacity())
        .isEqualTo(4000);
  }

  @Test
  void aKeyCacheSlowerThanTheRevocationPromiseIsRefusedInProdAndAWarningInDev() {
    JwtKeys.Pem keys = JwtKeys.generate();
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("sentinel.profile", "prod",
        "sentinel.security.adminToken", "t".repeat(40), "sentinel.security.apiKeyCacheTtlMs", 5000,
        "sentinel.security.jwt.privateKey", keys.privateKey(), "sentinel.security.jwt.publicKey", keys.publicKey(),
        "sentinel.webhooks.secretsKey", SECRETS_KEY)))
        .hasMessageContaining("sentinel.security.apiKeyCacheTtlMs (5000) must be at most 1000 ms in the prod profile");

    SentinelConfig dev = ConfigLoader.load(Map.of("sentinel.profile", "dev", "sentinel.security.apiKeyCacheTtlMs", 5000));

    assertThat(dev.warnings()).anySatisfy(warning -> assertThat(warning).contains("apiKeyCacheTtlMs is 5000 ms"));
    assertThat(ConfigLoader.load(Map.of("sentinel.profile", "dev")).warnings())
        .noneSatisfy(warning -> assertThat(warning).contains("apiKeyCacheTtlMs"));
  }
}
