package com.apisentinel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.apisentinel.bus.Addresses;
import com.apisentinel.bus.Failures;
import com.apisentinel.bus.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The cache against a bus consumer that counts lookups; the real lookup's SQL is covered end to end. */
@ExtendWith(VertxExtension.class)
class ApiKeyCacheTest {

  private final AtomicInteger lookups = new AtomicInteger();
  private final AtomicLong now = new AtomicLong();
  private final String knownKey = ApiKeys.generate().key();
  private final Principal owner = Principal.ofKey(UUID.randomUUID(), UUID.randomUUID(), "free");

  @BeforeEach
  void answerLookups(Vertx vertx, VertxTestContext ready) {
    LocalCodec.registerAll(vertx.eventBus());
    String knownHash = HexFormat.of().formatHex(ApiKeys.sha256(knownKey));
    Addresses.AUTH_KEY_LOOKUP.consumer(vertx.eventBus(), message -> {
      lookups.incrementAndGet();
      if (message.body().keyHash().equals(knownHash)) {
        message.reply(owner);
      } else {
        message.fail(Failures.UNAUTHENTICATED, "unknown");
      }
    }).completion().onComplete(ready.succeedingThenComplete());
  }

  private ApiKeyCache cache(Vertx vertx) {
    return new ApiKeyCache(vertx.eventBus(), Duration.ofSeconds(1), 100, now::get, java.time.Clock.systemUTC(),
        new CredentialCheckBudget(new com.apisentinel.limits.RateLimiter(now::get), 100, now::get));
  }

  @Test
  void concurrentMissesShareOneLookupAndHitsAskNobody(Vertx vertx, VertxTestContext test) {
    ApiKeyCache cache = cache(vertx);
    vertx.runOnContext(v -> Future.all(cache.authenticate(knownKey, "127.0.0.1"), cache.authenticate(knownKey, "127.0.0.1"))
        .compose(both -> cache.authenticate(knownKey, "127.0.0.1"))
        .onComplete(test.succeeding(principal -> test.verify(() -> {
          assertThat(principal).isEqualTo(owner);
          assertThat(lookups).hasValue(1);
          test.completeNow();
        }))));
  }

  @Test
  void answersExpireAfterTheTtlSoRevocationTakesEffect(Vertx vertx, VertxTestContext test) {
    ApiKeyCache cache = cache(vertx);
    vertx.runOnContext(v -> cache.authenticate(knownKey, "127.0.0.1")
        .compose(first -> {
          now.addAndGet(Duration.ofMillis(1001).toNanos());
          return cache.authenticate(knownKey, "127.0.0.1");
        })
        .onComplete(test.succeeding(principal -> test.verify(() -> {
          assertThat(lookups).hasValue(2);
          test.completeNow();
        }))));
  }

  @Test
  void unknownKeysAreRememberedAndMalformedKeysNeverLookedUp(Vertx vertx, VertxTestContext test) {
    ApiKeyCache cache = cache(vertx);
    String unknown = ApiKeys.generate().key();
    vertx.runOnContext(v -> cache.authenticate(unknown, "127.0.0.1")
        .recover(e -> cache.authenticate(unknown, "127.0.0.1"))
        .recover(e -> cache.authenticate("sk_live_" + "x".repeat(46), "127.0.0.1"))
        .onComplete(test.failing(failure -> test.verify(() -> {
          assertThat(failure).isInstanceOf(UnauthenticatedException.class);
          assertThat(lookups).hasValue(1);
          test.completeNow();
        }))));
  }
}
