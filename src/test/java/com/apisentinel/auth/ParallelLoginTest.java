package com.apisentinel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.support.LoopbackClient;
import com.apisentinel.support.RunningServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Login guessing over real sockets from several loopback addresses: parallel guesses are counted
 * before their password hashes run, and an attacker cannot keep the owner out.
 */
class ParallelLoginTest {

  @RegisterExtension
  static final RunningServer RUNNING = new RunningServer();
  private static final String LOGIN = "/api/v1/customers/login";

  private static String login(String email, String password) {
    return new JsonObject().put("email", email).put("password", password).encode();
  }

  private static int loginFrom(String address, String email, String password) {
    return LoopbackClient.postJson(address, RUNNING.server().port(), LOGIN, login(email, password));
  }

  private static String register() {
    String email = "victim-" + System.nanoTime() + "@example.com";
    RUNNING.server().postJson("/api/v1/customers/register", null, new JsonObject().put("email", email)
        .put("password", "correct horse battery").put("companyName", "Victim").encode());
    return email;
  }

  @Test
  void aHundredParallelGuessesGetAHandfulOf401sAndTheOwnerStillGetsIn() throws Exception {
    String email = register();
    ExecutorService attackers = Executors.newFixedThreadPool(50);
    List<CompletableFuture<Integer>> guesses = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int guess = i;
      guesses.add(CompletableFuture.supplyAsync(() -> loginFrom("127.0.0.9", email, "wrong password " + guess),
          attackers));
    }
    Map<Integer, Long> statuses = guesses.stream().map(CompletableFuture::join)
        .collect(Collectors.groupingBy(status -> status, Collectors.counting()));
    attackers.shutdown();

    assertThat(statuses.keySet()).containsOnly(401, 429);
    assertThat(statuses.get(401)).isLessThanOrEqualTo(LoginGuard.FREE_PER_PAIR + 1);
    assertThat(loginFrom("127.0.0.2", email, "correct horse battery")).as("the owner, elsewhere").isEqualTo(200);
  }

  @Test
  void anAttackFromManyAddressesSlowsNewAddressesButNotTheOwnersOwn() {
    String email = register();
    assertThat(loginFrom("127.0.0.3", email, "correct horse battery")).isEqualTo(200);
    for (int i = 0; i < LoginGuard.FREE_PER_ACCOUNT + 5; i++) {
      loginFrom("127.0.1." + (i + 1), email, "wrong password");
    }
    assertThat(loginFrom("127.0.2.1", email, "correct horse battery")).as("a new address").isEqualTo(429);
    assertThat(loginFrom("127.0.0.3", email, "correct horse battery")).as("the owner's own").isEqualTo(200);
  }
}
