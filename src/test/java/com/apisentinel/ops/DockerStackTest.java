package com.apisentinel.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No Docker engine runs where the tests do, so docker/ is read here the way Docker, Compose, Prometheus
 * and Grafana read it, and checked for what would otherwise fail only at {@code docker compose up}:
 * paths that do not exist, settings the server never reads, a scrape target or datasource that points
 * nowhere, and dashboard queries for metrics the server does not publish (checked against a real scrape).
 */
class DockerStackTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private static final Path REPO = Path.of("").toAbsolutePath();
  private static final Path DOCKER = REPO.resolve("docker");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  /** Read by the java launcher or the JVM, not by the server's configuration. */
  private static final Set<String> JVM_OPTION_VARIABLES = Set.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS");
  private static final Pattern CONF_ENV_OVERRIDE = Pattern.compile("\\$\\{\\?([A-Z0-9_]+)}");
  private static final Pattern REQUIRED_INTERPOLATION = Pattern.compile("\\$\\{[A-Z0-9_]+:\\?[^}]+}");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+$");
  private static final Pattern SAMPLE_LABEL = Pattern.compile("([a-zA-Z_]\\w*)=\"(?:[^\"\\\\]|\\\\.)*\"");

  private record Mount(String source, String target) {
    boolean isBind() {
      return source.startsWith(".") || source.startsWith("/");
    }
  }

  @Test
  void composeHasTheSixServicesAndNoObsoleteVersionKey() {
    assertThat(fieldNames(compose().path("services")))
        .containsExactlyInAnyOrder("postgres", "api-sentinel", "prometheus", "grafana", "alertmanager", "alert-log");
    assertThat(compose().has("version")).as("the Compose Specification has no version key").isFalse();
  }

  @Test
  void apiSentinelIsBuiltFromTheDockerfileWithTheRepositoryAsContext() {
    JsonNode build = service("api-sentinel").path("build");
    Path context = DOCKER.resolve(build.path("context").asText()).normalize();
    assertThat(context).isEqualTo(REPO);
    assertThat(context.resolve(build.path("dockerfile").asText()).normalize()).isEqualTo(DOCKER.resolve("Dockerfile"));
  }

  @Test
  void everyBindMountExistsInTheRepositoryAndEveryNamedVolumeIsDeclared() {
    Set<String> declared = fieldNames(compose().path("volumes"));
    Set<String> used = new HashSet<>();
    for (String service : fieldNames(compose().path("services"))) {
      for (Mount mount : mounts(service)) {
        if (mount.isBind()) {
          Path source = DOCKER.resolve(mount.source()).normalize();
          assertThat(source).as("%s mounts %s", service, mount.source()).exists().startsWith(REPO);
        } else {
          used.add(mount.source());
        }
      }
    }
    assertThat(used).as("named volumes in use").isEqualTo(declared);
  }

  @Test
  void postgresIsProbedOverTcpAndApiSentinelByItsImagesReadinessCheck() {
    // Over the Unix socket, the temporary server of a first initialisation would already pass.
    assertThat(hasHealthcheck("postgres")).isTrue();
    assertThat(service("postgres").path("healthcheck").path("test").toString()).contains("pg_isready", "127.0.0.1");
    assertThat(hasHealthcheck("api-sentinel")).isTrue();
    assertThat(dockerInstructions("HEALTHCHECK")).singleElement().asString().contains("/health/ready");
  }

  @Test
  void apiSentinelStartsOnceThePostgresServiceIsHealthy() {
    assertThat(service("api-sentinel").path("depends_on").path("postgres").path("condition").asText())
        .isEqualTo("service_healthy");
    for (String service : fieldNames(compose().path("services"))) {
      service(service).path("depends_on").properties().forEach(dependency -> {
        if (dependency.getValue().path("condition").asText().equals("service_healthy")) {
          assertThat(hasHealthcheck(dependency.getKey()))
              .as("%s waits for %s to be healthy, which has no health check", service, dependency.getKey()).isTrue();
        }
      });
    }
  }

  @Test
  void apiSentinelSetsOnlyVariablesTheServerOrTheJvmReads() {
    Set<String> readByConfig = matches(CONF_ENV_OVERRIDE, read(REPO.resolve("config/sentinel.conf")));
    assertThat(readByConfig).contains("SENTINEL_DB_URL", "SENTINEL_PROFILE");
    for (String variable : fieldNames(environment("api-sentinel"))) {
      assertThat(readByConfig.contains(variable) || JVM_OPTION_VARIABLES.contains(variable))
          .as("%s is read by neither config/sentinel.conf nor the JVM", variable).isTrue();
    }
  }

  @Test
  void theProdProfileGetsEverySecretOrComposeRefusesToStart() {
    JsonNode environment = environment("api-sentinel");
    assertThat(environment.path("SENTINEL_PROFILE").asText()).isEqualTo("prod");
    for (String secret : List.of("SENTINEL_ADMIN_TOKEN", "SENTINEL_JWT_PRIVATE_KEY", "SENTINEL_JWT_PUBLIC_KEY",
        "SENTINEL_WEBHOOK_SECRETS_KEY")) {
      assertThat(environment.path(secret).asText()).as(secret).matches(REQUIRED_INTERPOLATION);
    }
  }

  @Test
  void theDatabaseUrlNamesThePostgresServiceItsUserAndItsDatabase() {
    URI url = URI.create(environment("api-sentinel").path("SENTINEL_DB_URL").asText().replaceAll("\\$\\{[^}]+}", "x"));
    JsonNode postgres = environment("postgres");
    assertThat(url.getScheme()).isEqualTo("postgresql");
    assertThat(url.getHost()).isEqualTo("postgres");
    assertThat(url.getPort()).isEqualTo(5432);
    assertThat(url.getUserInfo()).startsWith(postgres.path("POSTGRES_USER").asText() + ":");
    // prod never creates its database: the postgres image must (Migrations creates it in dev only).
    assertThat(url.getPath()).isEqualTo("/" + postgres.path("POSTGRES_DB").asText());
  }

  @Test
  void apiSentinelGetsAtLeastFifteenSecondsToDrainBeforeSigkill() {
    assertThat(Duration.parse("PT" + service("api-sentinel").path("stop_grace_period").asText()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void prometheusScrapesApiSentinelMetricsEveryFiveSeconds() {
    assertThat(mounts("prometheus")).contains(new Mount("./prometheus/prometheus.yml", "/etc/prometheus/prometheus.yml"));
    JsonNode job = yaml(DOCKER.resolve("prometheus/prometheus.yml")).path("scrape_configs").get(0);
    assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
    assertThat(job.path("scrape_interval").asText()).isEqualTo("5s");
    assertThat(job.path("static_configs").get(0).path("targets").get(0).asText())
        .isEqualTo("api-sentinel:" + containerPort("api-sentinel"));
    assertThat(dockerInstructions("EXPOSE")).containsExactly("EXPOSE " + containerPort("api-sentinel"));
  }

  @Test
  void prometheusLoadsTheAlertRulesAndSendsAlertsToAlertmanagerWhichSendsThemToTheAlertLog() {
    assertThat(mounts("prometheus")).contains(new Mount("./prometheus/alerts.yml", "/etc/prometheus/alerts.yml"));
    JsonNode prometheus = yaml(DOCKER.resolve("prometheus/prometheus.yml"));
    assertThat(prometheus.path("rule_files").get(0).asText()).isEqualTo("/etc/prometheus/alerts.yml");
    assertThat(prometheus.at("/alerting/alertmanagers/0/static_configs/0/targets/0").asText())
        .isEqualTo("alertmanager:" + containerPort("alertmanager"));
    assertThat(mounts("alertmanager"))
        .contains(new Mount("./alertmanager/alertmanager.yml", "/etc/alertmanager/alertmanager.yml"));
    URI receiver = URI.create(yaml(DOCKER.resolve("alertmanager/alertmanager.yml"))
        .at("/receivers/0/webhook_configs/0/url").asText());
    assertThat(receiver.getHost()).isEqualTo("alert-log");
    assertThat(compose().path("services").path("alert-log").path("environment").path("HTTP_PORT").asText())
        .isEqualTo(Integer.toString(receiver.getPort()));
  }

  @Test
  void everyMetricAndLabelTheAlertRulesQueryIsPublishedByTheServer() {
    ingestAcceptedAndRejectedEvents();
    Map<String, Set<String>> published = scrapeLabelsBySampleName();
    for (JsonNode rule : yaml(DOCKER.resolve("prometheus/alerts.yml")).at("/groups/0/rules")) {
      PromQlNames names = PromQlNames.of(rule.path("expr").asText());
      // up and its labels come from Prometheus itself, instance from every scrape.
      Set<String> metrics = new TreeSet<>(names.metrics());
      metrics.remove("up");
      assertThat(published.keySet()).as(rule.path("alert").asText()).containsAll(metrics);
      Set<String> labels = new TreeSet<>(names.labels());
      labels.removeAll(Set.of("instance", "job"));
      Set<String> offered = metrics.stream().flatMap(m -> published.get(m).stream()).collect(Collectors.toSet());
      assertThat(offered).as("labels of %s", rule.path("alert").asText()).containsAll(labels);
    }
  }

  @Test
  void dockerfileBuildsInTwoStagesAndRunsOnlyTheJarUnprivileged() {
    List<String> from = dockerInstructions("FROM");
    assertThat(from).hasSizeGreaterThanOrEqualTo(2);
    assertThat(from.get(from.size() - 1)).contains("-jre");
    String finalName = match("<finalName>([^<]+)</finalName>", read(REPO.resolve("pom.xml")));
    assertThat(dockerInstructions("COPY --from=")).singleElement().asString()
        .contains("target/" + finalName + ".jar", "/app/" + finalName + ".jar");
    List<String> users = dockerInstructions("USER");
    String user = users.get(users.size() - 1).substring("USER".length()).strip();
    assertThat(user.split(":")[0]).isNotIn("root", "0");
    List<String> entrypoint =
        List.of(readJson(dockerInstructions("ENTRYPOINT").get(0).substring("ENTRYPOINT".length()), String[].class));
    // Exec form with java first: SIGTERM reaches the JVM, not a shell that would not pass it on.
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size())).containsExactly("-jar", "/app/" + finalName + ".jar");
    assertThat(entrypoint).anySatisfy(flag -> assertThat(flag).startsWith("-XX:MaxRAMPercentage="));
  }

  @Test
  void dockerignoreLetsInEverythingTheBuildCopies() {
    List<String> ignore = read(REPO.resolve(".dockerignore")).lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
    assertThat(ignore.get(0)).as("an allow-list: nothing else, such as docker/.env, is sent").isEqualTo("*");
    List<String> allowed = ignore.stream().filter(line -> line.startsWith("!")).map(line -> line.substring(1)).toList();
    List<String> copies = dockerInstructions("COPY ").stream().filter(copy -> !copy.contains("--from=")).toList();
    assertThat(copies).isNotEmpty();
    for (String copy : copies) {
      String source = copy.split("\\s+")[1];
      assertThat(REPO.resolve(source)).exists();
      assertThat(allowed).as("COPY %s", source).anySatisfy(path -> assertThat(source + "/").startsWith(path));
    }
  }

  @Test
  void grafanaProvisionsThePrometheusServiceUnderTheUidEveryPanelUses() {
    JsonNode datasource = yaml(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml")).path("datasources").get(0);
    URI url = URI.create(datasource.path("url").asText());
    assertThat(url.getHost()).isEqualTo("prometheus");
    assertThat(url.getPort()).isEqualTo(containerPort("prometheus"));
    String uid = datasource.path("uid").asText();
    assertThat(uid).isNotBlank();
    for (JsonNode panel : dashboard().path("panels")) {
      assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText()).isEqualTo(uid);
      panel.path("targets").forEach(target -> assertThat(target.path("datasource").path("uid").asText()).isEqualTo(uid));
    }
  }

  @Test
  void grafanaLoadsTheDashboardsFromWhereComposeMountsThem() {
    List<Mount> mounts = mounts("grafana");
    assertThat(mounts).contains(
        new Mount("./grafana/provisioning/datasources", "/etc/grafana/provisioning/datasources"),
        new Mount("./grafana/provisioning/dashboards", "/etc/grafana/provisioning/dashboards"));
    String dashboards = mounts.stream().filter(m -> m.source().equals("./grafana/dashboards")).map(Mount::target)
        .findFirst().orElse(null);
    assertThat(dashboards).as("where ./grafana/dashboards is mounted").isNotNull();
    JsonNode provider = yaml(DOCKER.resolve("grafana/provisioning/dashboards/dashboards.yml")).path("providers").get(0);
    assertThat(provider.path("options").path("path").asText()).isEqualTo(dashboards);
    assertThat(environment("grafana").path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText())
        .isEqualTo(dashboards + "/api-sentinel.json");
  }

  @Test
  void dashboardPanelsHaveUniqueIdsAndFitTheGrid() {
    assertThat(dashboard().path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
    List<Integer> ids = new ArrayList<>();
    for (JsonNode panel : dashboard().path("panels")) {
      ids.add(panel.path("id").asInt());
      JsonNode grid = panel.path("gridPos");
      assertThat(grid.path("w").asInt()).isPositive();
      assertThat(grid.path("h").asInt()).isPositive();
      assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as(panel.path("title").asText()).isLessThanOrEqualTo(24);
    }
    assertThat(ids).hasSizeGreaterThanOrEqualTo(10).doesNotHaveDuplicates();
  }

  @Test
  void promqlNamesAreTheSelectorsAndTheirLabelsNotFunctionsKeywordsOrVariables() {
    PromQlNames names = PromQlNames.of("histogram_quantile(0.99, sum by (le, route) (rate(a_bucket{code=~\"5..\", "
        + "route=\"/x/{id}\"}[1m]))) / on(route) group_left b_total offset 5m > bool 1e3 + vector($capacity)");
    assertThat(names.metrics()).containsExactlyInAnyOrder("a_bucket", "b_total");
    assertThat(names.labels()).containsExactlyInAnyOrder("le", "route", "code");
  }

  @Test
  void everyMetricAndLabelOnTheDashboardIsPublishedByTheServer() {
    ingestAcceptedAndRejectedEvents();
    Map<String, Set<String>> published = scrapeLabelsBySampleName();
    for (JsonNode panel : dashboard().path("panels")) {
      Set<String> queried = new TreeSet<>();
      for (JsonNode target : panel.path("targets")) {
        PromQlNames names = PromQlNames.of(target.path("expr").asText());
        assertThat(published.keySet()).as(panel.path("title").asText()).containsAll(names.metrics());
        Set<String> labels = names.metrics().stream().flatMap(m -> published.get(m).stream()).collect(Collectors.toSet());
        assertThat(labels).as("labels of %s", names.metrics()).containsAll(names.labels());
        queried.addAll(names.metrics());
      }
      assertThat(queried).as("%s queries no metric", panel.path("title").asText()).isNotEmpty();
    }
  }

  /** One accepted and one rejected event in a batch, then a wholly invalid one (422): every meter has samples. */
  private static void ingestAcceptedAndRejectedEvents() {
    String key = RUNNING.server().registerApiKey();
    String batch = Events.batch(Events.direct(Events.freshId()), Events.direct("bad").put("amount", -1));
    assertThat(RUNNING.server().postJson("/api/v1/analytics/events", key, batch).statusCode()).isEqualTo(202);
    JsonObject invalid = Events.direct(Events.freshId()).put("amount", -1);
    assertThat(RUNNING.server().postJson("/api/v1/analytics/events", key, invalid.encode()).statusCode()).isEqualTo(422);
  }

  /** Sample name (as in {@code x_bucket}) to the label names its samples carry. */
  private static Map<String, Set<String>> scrapeLabelsBySampleName() {
    Map<String, Set<String>> labels = new HashMap<>();
    for (String line : RUNNING.server().get("/metrics").body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      assertThat(sample.matches()).as(line).isTrue();
      labels.computeIfAbsent(sample.group(1), name -> new HashSet<>())
          .addAll(matches(SAMPLE_LABEL, sample.group(2) == null ? "" : sample.group(2)));
    }
    return labels;
  }

  /**
   * The metric and label names a PromQL expression refers to: identifiers that are not called (functions,
   * aggregations), not keywords, not Grafana variables, not inside strings or durations.
   */
  record PromQlNames(Set<String> metrics, Set<String> labels) {
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_]\\w*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern IGNORED = Pattern.compile("\\[[^]]*]|\\$\\w+");
    // Possessive, so that "rate(" does not match as "rat".
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])[a-zA-Z_:][\\w:]*+(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
        "bool", "and", "or", "unless", "offset");

    static PromQlNames of(String expression) {
      Set<String> labels = new HashSet<>();
      String rest = STRING.matcher(expression).replaceAll("\"\"");
      rest = collect(MATCHERS, rest, inside -> labels.addAll(matches(MATCHER_LABEL, inside)));
      rest = collect(GROUPING, rest, inside -> List.of(inside.split(",")).forEach(l -> labels.add(l.strip())));
      rest = IGNORED.matcher(rest).replaceAll(" ");
      Set<String> metrics = matches(IDENTIFIER, rest);
      metrics.removeAll(KEYWORDS);
      labels.remove("");
      return new PromQlNames(metrics, labels);
    }

    /** Hands each match's first group to {@code inside} and returns the text with the matches removed. */
    private static String collect(Pattern pattern, String text, Consumer<String> inside) {
      Matcher matcher = pattern.matcher(text);
      while (matcher.find()) {
        inside.accept(matcher.group(1));
      }
      return matcher.replaceAll(" ");
    }
  }

  private static JsonNode compose() {
    return yaml(DOCKER.resolve("compose.yml"));
  }

  private static JsonNode service(String name) {
    JsonNode service = compose().path("services").path(name);
    assertThat(service.isObject()).as("service %s", name).isTrue();
    return service;
  }

  private static JsonNode environment(String service) {
    return service(service).path("environment");
  }

  private static List<Mount> mounts(String service) {
    List<Mount> mounts = new ArrayList<>();
    service(service).path("volumes").forEach(volume -> {
      String[] parts = volume.asText().split(":");
      mounts.add(new Mount(parts[0], parts[1]));
    });
    return mounts;
  }

  /** The port a service listens on inside its container: the last part of its published port. */
  private static int containerPort(String service) {
    String published = service(service).path("ports").get(0).asText();
    return Integer.parseInt(published.substring(published.lastIndexOf(':') + 1));
  }

  private static JsonNode dashboard() {
    return readJson(read(DOCKER.resolve("grafana/dashboards/api-sentinel.json")), JsonNode.class);
  }

  /** The Dockerfile's instructions that start with {@code prefix}, continuation lines joined. */
  private static List<String> dockerInstructions(String prefix) {
    return read(DOCKER.resolve("Dockerfile")).replace("\\\n", " ").lines().map(String::strip)
        .filter(line -> line.startsWith(prefix)).toList();
  }

  private static Set<String> fieldNames(JsonNode node) {
    return node.properties().stream().map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Declared in compose, or inherited from the image the service builds (docker/Dockerfile), and not disabled. */
  private static boolean hasHealthcheck(String name) {
    JsonNode service = service(name);
    boolean fromImage = service.has("build") && !dockerInstructions("HEALTHCHECK").isEmpty();
    return (service.has("healthcheck") || fromImage) && !service.path("healthcheck").path("disable").asBoolean();
  }

  /** Every match of {@code pattern} in {@code text}: its first group if it has one, else the whole match. */
  private static Set<String> matches(Pattern pattern, String text) {
    Set<String> found = new HashSet<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      found.add(matcher.groupCount() > 0 ? matcher.group(1) : matcher.group());
    }
    return found;
  }

  private static String match(String regex, String text) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as(regex).isTrue();
    return matcher.group(1);
  }

  private static JsonNode yaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T readJson(String text, Class<T> type) {
    try {
      return JSON.readValue(text, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
