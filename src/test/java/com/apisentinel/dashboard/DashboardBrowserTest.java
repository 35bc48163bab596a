package com.apisentinel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.apisentinel.support.Events;
import com.apisentinel.support.RunningServer;
import com.apisentinel.support.TestServer;
import com.apisentinel.support.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in Debian's headless Chromium against the real server: a customer's numbers exactly
 * as the API gives them, the gateway table, the latest events newest first, an API key created,
 * used and revoked through the page, and a log-out — with no console error (a CSP violation is one)
 * on the way.
 */
class DashboardBrowserTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();

  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final Path SCREENSHOT = Path.of("target", "screenshots", "dashboard.png");
  private static final String PASSWORD = "correct horse battery staple";
  private static final String LOGIN_PATH = "/api/v1/customers/login";
  private static final String EVENTS_PATH = "/api/v1/analytics/events";
  /** What the page shows until its first answer arrived. */
  private static final String LOADING = "…";
  /** For what the page shows after one answer from the server. */
  private static final Duration PAGE_WAIT = Duration.ofSeconds(10);
  /** The page polls every 5 s; this is one poll late at most. */
  private static final Duration NEXT_POLL = Duration.ofSeconds(12);
  /** Newest first, as the page must list them (occurredAt 10 s apart); 4 failovers of 9 events, 3 recovered. */
  private static final List<JsonObject> SENT = occurredNewestFirst(
      Events.failover("dash-1"),
      Events.failover("dash-2").put("amount", 1999).put("currency", "EUR").put("recoveryTimeMs", 800),
      Events.failover("dash-3").put("primaryGateway", "adyen").put("gatewayUsed", "braintree")
          .put("amount", 12345).put("recoveryTimeMs", 2500),
      Events.failover("dash-4").put("gatewayUsed", "braintree").put("success", false).put("recoveryTimeMs", 4000),
      Events.direct("dash-5"),
      Events.direct("dash-6").put("primaryGateway", "adyen").put("gatewayUsed", "adyen"),
      Events.direct("dash-7").put("currency", "USD").put("latencyMs", 210),
      Events.direct("dash-8").put("amount", 1200).put("currency", "JPY"),
      Events.direct("dash-9").put("success", false));

  private static ChromeDriver browser;

  @BeforeAll
  static void startBrowser() {
    assertThat(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)))
        .as("the browser test drives Debian's Chromium: apt-get install chromium chromium-driver")
        .isTrue();
    // Both paths are given, so Selenium Manager never looks for (or downloads) a browser or driver.
    // en-US: the page formats numbers for the browser's locale, and number() reads en-US.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox",
        "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en-US");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    browser = new ChromeDriver(options);
  }

  @AfterAll
  static void quitBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void aCustomerSeesTheirOwnNumbersManagesKeysAndLogsOut() throws IOException {
    String email = "dash-" + UUID.randomUUID() + "@example.com";
    String registrationKey = registerAndSendEvents(email);
    browser.get(RUNNING.server().uri("/").toString());

    aWrongPasswordIsSaidInPlainWords(email);
    logIn(email, PASSWORD);
    waitForTheDashboard();
    tilesShowWhatTheApiAnswers(registrationKey);
    chartSummarisesTheEvents();
    gatewayTableShowsWhatTheApiAnswers(registrationKey);
    latestEventsAreListedNewestFirst();
    saveScreenshot();

    String key = createKeyInThePage();
    aKeyCreatedInThePageIngests(key);
    aKeyRevokedInThePageIsRefused(key);
    logOut();

    assertThat(consoleProblems()).isEmpty();
  }

  @Test
  void aCustomerEditsAnAlertRuleAndAddsTestsAndReplaysAWebhookInThePage() throws Exception {
    String email = "hooks-" + UUID.randomUUID() + "@example.com";
    String key = registerAndSendEvents(email);
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      browser.get(RUNNING.server().uri("/").toString());
      logIn(email, PASSWORD);
      waitUntil(PAGE_WAIT, () -> browser.findElements(By.cssSelector("#rules-table tbody tr")).size() == 3);
      assertThat(text("alerts-firing")).isEqualTo("Nothing is firing.");

      By failoverRule = By.cssSelector("#rules-table tr:has(th[data-field='kind'])");
      WebElement rule = browser.findElements(failoverRule).stream()
          .filter(row -> row.findElement(By.cssSelector("[data-field='kind']")).getText().equals("Failover rate"))
          .findFirst().orElseThrow();
      String ruleId = rule.getAttribute("data-rule-id");
      rule.findElement(By.cssSelector("button[data-edit]")).click();
      visible("rule-form");
      replaceText("rule-threshold", "0.1");
      replaceText("rule-resolve", "0.08");
      browser.findElement(By.id("rule-save")).click();
      waitUntil(PAGE_WAIT, () -> browser.findElement(By.cssSelector("#rules-table tr[data-rule-id='" + ruleId
          + "'] [data-field='threshold']")).getText().equals("> 10%"));
      JsonObject saved = getJson("/api/v1/alerts/rules/" + ruleId, key);
      assertThat(saved.getDouble("threshold")).isEqualTo(0.1);
      assertThat(saved.getDouble("resolveThreshold")).isEqualTo(0.08);

      browser.findElement(By.id("endpoint-url")).sendKeys(receiver.url("/dashboard-hook"));
      browser.findElement(By.id("create-endpoint")).click();
      assertThat(visible("new-secret-value").getText()).matches("whsec_[A-Za-z0-9+/]{43}=");
      waitUntil(PAGE_WAIT, () -> browser.findElements(By.cssSelector("#endpoints-table tbody tr")).size() == 1);
      browser.findElement(By.cssSelector("#endpoints-table button[data-test]")).click();
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 1);
      String messageId = receiver.received.get(0).header("webhook-id");
      By delivered = By.cssSelector("#deliveries-table tr[data-message-id='" + messageId + "']");
      waitUntil(NEXT_POLL, () -> browser.findElement(delivered).findElement(By.cssSelector("[data-field='status']"))
          .getText().equals("succeeded"));
      assertThat(browser.findElement(delivered).findElement(By.cssSelector("[data-field='responseStatus']")).getText())
          .isEqualTo("200");

      browser.findElement(delivered).findElement(By.cssSelector("button[data-replay]")).click();
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 2);
      assertThat(receiver.received.get(1).header("webhook-id")).isEqualTo(messageId);
      waitUntil(NEXT_POLL, () -> browser.findElements(delivered).size() == 2);
      billingShowsThisMonthAsTheStatementSays(key);
      Files.createDirectories(SCREENSHOT.getParent());
      Files.write(SCREENSHOT.resolveSibling("notifications.png"), browser.getScreenshotAs(OutputType.BYTES));
      logOut();
    }
    assertThat(browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()
            || entry.getMessage().contains("Content Security Policy"))
        .map(LogEntry::getMessage).toList()).isEmpty();
  }

  /** Recovered, fee and net gain per currency, as this month's statement gives them; its CSV downloads. */
  private static void billingShowsThisMonthAsTheStatementSays(String key) {
    JsonObject statements = getJson("/api/v1/billing/statements", key);
    String period = statements.getJsonArray("statements").getJsonObject(0).getString("period");
    JsonObject totals = getJson("/api/v1/billing/statements/" + period, key).getJsonObject("totals");
    assertThat(totals.fieldNames()).containsExactlyInAnyOrder("USD", "EUR", "JPY");
    for (String currency : List.of("USD", "EUR")) {
      JsonObject total = totals.getJsonObject(currency);
      By row = By.cssSelector("#billing-table tr[data-currency='" + currency + "']");
      waitUntil(PAGE_WAIT, () -> browser.findElement(row).isDisplayed());
      BigDecimal recovered = new BigDecimal(total.getValue("recovered").toString());
      BigDecimal fee = new BigDecimal(total.getValue("fee").toString());
      assertThat(number(browser.findElement(row).findElement(By.cssSelector("[data-field='recovered']")).getText()))
          .isEqualByComparingTo(recovered);
      assertThat(number(browser.findElement(row).findElement(By.cssSelector("[data-field='fee']")).getText()))
          .isEqualByComparingTo(fee);
      assertThat(number(browser.findElement(row).findElement(By.cssSelector("[data-field='net']")).getText()))
          .isEqualByComparingTo(recovered.subtract(fee));
    }
    WebElement csv = browser.findElement(By.cssSelector("#statements-table button[data-csv='" + period + "']"));
    csv.click();
    waitUntil(PAGE_WAIT, () -> "true".equals(csv.getAttribute("data-downloaded")));
  }

  private static void replaceText(String id, String text) {
    WebElement field = browser.findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  // ---- set-up through the API -------------------------------------------------------------------

  private static List<JsonObject> occurredNewestFirst(JsonObject... events) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return IntStream.range(0, events.length)
        .mapToObj(i -> events[i].put("occurredAt", now.minusSeconds(10L * (i + 1)).toString()))
        .toList();
  }

  /** @return the registration's API key */
  private static String registerAndSendEvents(String email) {
    HttpResponse<String> registered = RUNNING.server().postJson("/api/v1/customers/register", null,
        new JsonObject().put("email", email).put("password", PASSWORD).put("companyName", "Dashboard Ltd").encode());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    String key = new JsonObject(registered.body()).getJsonObject("apiKey").getString("key");

    HttpResponse<String> sent = RUNNING.server().postJson(EVENTS_PATH, key,
        Events.batch(SENT.toArray(JsonObject[]::new)));
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
    assertThat(new JsonObject(sent.body()).getInteger("accepted")).isEqualTo(SENT.size());
    // The live windows count committed events a moment after the 202: the page must find them all.
    await().atMost(Duration.ofSeconds(5)).until(() -> liveWindow(key).getLong("events") == SENT.size());
    return key;
  }

  private static JsonObject getJson(String path, String bearer) {
    HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(RUNNING.server().uri(path))
        .header("Authorization", "Bearer " + bearer).GET().build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  /** The window the page's events-per-second tile shows. */
  private static JsonObject liveWindow(String bearer) {
    return getJson("/api/v1/metrics/live", bearer).getJsonObject("windows").getJsonObject("5m");
  }

  /** The page's default range is the last 24 hours; every event sent lies well inside it. */
  private static String last24Hours() {
    Instant to = Instant.now();
    return "from=" + URLEncoder.encode(to.minus(24, ChronoUnit.HOURS).toString(), StandardCharsets.UTF_8)
        + "&to=" + URLEncoder.encode(to.toString(), StandardCharsets.UTF_8);
  }

  private static int ingest(String bearer, JsonObject event) {
    return RUNNING.server().postJson(EVENTS_PATH, bearer, event.encode()).statusCode();
  }

  // ---- steps in the browser ---------------------------------------------------------------------

  private static void aWrongPasswordIsSaidInPlainWords(String email) {
    String wrongLogin = new JsonObject().put("email", email).put("password", "not the password").encode();
    HttpResponse<String> refused = RUNNING.server().postJson(LOGIN_PATH, null, wrongLogin);
    assertThat(refused.statusCode()).isEqualTo(401);

    logIn(email, "not the password");
    WebElement error = visible("login-error");
    assertThat(error.getText()).isEqualTo("Wrong email or password.");
    assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();
  }

  private static void logIn(String email, String password) {
    WebElement emailField = browser.findElement(By.id("login-email"));
    WebElement passwordField = browser.findElement(By.id("login-password"));
    emailField.clear();
    emailField.sendKeys(email);
    passwordField.clear();
    passwordField.sendKeys(password);
    browser.findElement(By.id("login-button")).click();
  }

  private static void waitForTheDashboard() {
    visible("dashboard");
    waitUntil(PAGE_WAIT, () -> !text("tile-eps").equals(LOADING) && !text("tile-failover-rate").equals(LOADING)
        && Stream.of("#tile-revenue li[data-currency]", "#gateways-table tbody tr", "#events-table tbody tr", "#chart svg")
            .noneMatch(selector -> browser.findElements(By.cssSelector(selector)).isEmpty()));
    assertThat(browser.findElement(By.id("login-view")).isDisplayed()).isFalse();
  }

  private static void tilesShowWhatTheApiAnswers(String bearer) {
    JsonObject overview = getJson("/api/v1/metrics/overview?" + last24Hours(), bearer);
    assertThat(overview.getLong("totalEvents")).as("the API's own numbers, so zeros cannot pass").isEqualTo(9);

    // One decimal of a percentage: within half of 0.1 % of the exact fraction.
    assertThat(number(text("tile-failover-rate")).doubleValue() / 100)
        .isCloseTo(overview.getDouble("failoverRate"), within(0.0005));
    assertThat(number(text("tile-recovery-p95")).longValueExact()).isEqualTo(overview.getLong("recoveryTimeP95"));

    JsonObject revenue = overview.getJsonObject("recoveredRevenue");
    Map<String, BigDecimal> shown = browser.findElements(By.cssSelector("#tile-revenue li[data-currency]")).stream()
        .collect(Collectors.toMap(item -> item.getDomAttribute("data-currency"), item -> number(item.getText())));
    assertThat(shown.keySet()).containsExactlyInAnyOrderElementsOf(revenue.fieldNames()).contains("USD", "EUR");
    shown.forEach((currency, amount) -> assertThat(amount).as(currency)
        .isEqualByComparingTo(new BigDecimal(revenue.getValue(currency).toString())));

    JsonObject live = liveWindow(bearer);
    assertThat(number(text("tile-eps-events")).longValueExact()).isEqualTo(live.getLong("events"));
    // eventsPerSecond divides by the time the window covers, which grows by the second: two decimals, a moment apart.
    assertThat(number(text("tile-eps")).doubleValue()).isCloseTo(live.getDouble("eventsPerSecond"), within(0.01));
  }

  private static void chartSummarisesTheEvents() {
    WebElement chart = browser.findElement(By.cssSelector("#chart svg"));
    assertThat(chart.getDomAttribute("role")).isEqualTo("img");
    assertThat(browser.findElements(By.cssSelector("#chart polyline"))).hasSize(2);
    assertThat(text("chart-summary")).startsWith("9 events and 4 failovers");
  }

  private static void gatewayTableShowsWhatTheApiAnswers(String bearer) {
    List<JsonObject> gateways = getJson("/api/v1/metrics/gateways?" + last24Hours(), bearer)
        .getJsonArray("gateways").stream().map(JsonObject.class::cast).toList();
    assertThat(gateways).extracting(g -> g.getString("gateway"))
        .containsExactly("adyen", "braintree", "paypal", "stripe");
    List<WebElement> rows = browser.findElements(By.cssSelector("#gateways-table tbody tr"));
    assertThat(rows).extracting(row -> row.getDomAttribute("data-gateway"))
        .containsExactlyElementsOf(gateways.stream().map(g -> g.getString("gateway")).toList());
    for (JsonObject gateway : gateways) {
      WebElement row = browser.findElement(By.cssSelector("#gateways-table tr[data-gateway='"
          + gateway.getString("gateway") + "']"));
      for (String field : List.of("asPrimary", "primaryFailures", "asFailover", "failoverSuccesses")) {
        assertThat(number(row.findElement(By.cssSelector("td[data-field='" + field + "']")).getText()).longValueExact())
            .as("%s %s", gateway.getString("gateway"), field).isEqualTo(gateway.getLong(field));
      }
    }
  }

  private static void latestEventsAreListedNewestFirst() {
    assertThat(shownEventIds()).containsExactlyElementsOf(SENT.stream().map(e -> e.getString("eventId")).toList());
    for (JsonObject sent : SENT) {
      Currency currency = Currency.getInstance(sent.getString("currency"));
      String amount = browser.findElement(By.cssSelector("#events-table tr[data-event-id='"
          + sent.getString("eventId") + "'] td[data-field='amount']")).getText();
      assertThat(amount).as(sent.getString("eventId")).startsWith(currency.getSymbol(Locale.US));
      assertThat(number(amount)).as(sent.getString("eventId")).isEqualByComparingTo(
          BigDecimal.valueOf(sent.getLong("amount")).movePointLeft(currency.getDefaultFractionDigits()));
    }
  }

  private static List<String> shownEventIds() {
    return browser.findElements(By.cssSelector("#events-table tbody tr")).stream()
        .map(row -> row.getDomAttribute("data-event-id")).toList();
  }

  /** The whole logged-in page, not only the first screenful. */
  private static void saveScreenshot() throws IOException {
    long height = (Long) browser.executeScript("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(1280, (int) Math.max(900, height)));
    Files.createDirectories(SCREENSHOT.getParent());
    Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(SCREENSHOT)).isPositive();
  }

  private static String createKeyInThePage() {
    browser.findElement(By.id("key-name")).sendKeys("browser-test");
    browser.findElement(By.id("create-key")).click();
    String key = visible("new-key-value").getText();
    assertThat(key).startsWith("sk_live_");
    assertThat(text("new-key-panel")).contains("shown only once");
    waitUntil(PAGE_WAIT, () -> browser.findElement(keyRow(key)).isDisplayed());
    WebElement row = browser.findElement(keyRow(key));
    assertThat(row.findElement(By.cssSelector("[data-field='name']")).getText()).isEqualTo("browser-test");
    assertThat(row.findElement(By.cssSelector("[data-field='status']")).getText()).isEqualTo("Active");
    return key;
  }

  /** The key shown once works, and the page's polling brings the event it sent into the list. */
  private static void aKeyCreatedInThePageIngests(String key) {
    assertThat(ingest(key, Events.direct("dash-from-new-key"))).isEqualTo(202);
    waitUntil(NEXT_POLL, () -> shownEventIds().contains("dash-from-new-key"));
  }

  private static void aKeyRevokedInThePageIsRefused(String key) {
    browser.findElement(keyRow(key)).findElement(By.cssSelector("button[data-revoke]")).click();
    visible("revoke-dialog");
    assertThat(text("revoke-question")).contains(key.substring(0, 12));
    browser.findElement(By.id("revoke-confirm")).click();
    waitUntil(PAGE_WAIT, () -> browser.findElement(keyRow(key)).findElement(By.cssSelector("[data-field='status']"))
        .getText().startsWith("Revoked"));
    assertThat(browser.findElement(keyRow(key)).findElements(By.cssSelector("button[data-revoke]"))).isEmpty();
    // API.md: a revoked key is refused within 1 second (the key caches' time to live).
    await().atMost(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(100))
        .until(() -> ingest(key, Events.direct(Events.freshId())) == 401);
  }

  private static By keyRow(String key) {
    return By.cssSelector("#keys-table tr[data-prefix='" + key.substring(0, 12) + "']");
  }

  private static void logOut() {
    browser.findElement(By.id("logout-button")).click();
    visible("login-view");
    assertThat(text("login-notice")).isEqualTo("You have logged out.");
    assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();
    assertThat(browser.findElements(By.cssSelector("#events-table tbody tr"))).isEmpty();
  }

  // ---- reading the page -------------------------------------------------------------------------

  /** Waits for what the page shows; rows it re-renders meanwhile are simply looked up again. */
  private static void waitUntil(Duration atMost, Callable<Boolean> shown) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsMatching(e -> e instanceof NoSuchElementException || e instanceof StaleElementReferenceException)
        .until(shown);
  }

  private static WebElement visible(String id) {
    waitUntil(PAGE_WAIT, () -> browser.findElement(By.id(id)).isDisplayed());
    return browser.findElement(By.id(id));
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** The number in a text the page formatted for en-US ("1,234 ms", "$173.45", "44.4%"). */
  private static BigDecimal number(String text) {
    String digits = text.replaceAll("[^0-9.\\-]", "");
    assertThat(digits).as("a number in '%s'", text).isNotEmpty();
    return new BigDecimal(digits);
  }

  /**
   * Console errors and CSP reports, except the one expected entry: the browser logs the wrong
   * password's 401 answer to the login request.
   */
  private static List<String> consoleProblems() {
    List<LogEntry> entries = browser.manage().logs().get(LogType.BROWSER).getAll();
    List<String> problems = entries.stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()
            || entry.getMessage().contains("Content Security Policy"))
        .map(LogEntry::getMessage)
        .toList();
    List<String> expected = problems.stream()
        .filter(message -> message.contains(LOGIN_PATH) && message.contains("401"))
        .toList();
    assertThat(expected).as("the wrong password's 401, logged once").hasSize(1);
    return problems.stream().filter(message -> !expected.contains(message)).toList();
  }
}
