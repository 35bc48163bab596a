package com.apisentinel.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The address table is the one place names, types and timeouts are declared; codecs follow from it. */
class AddressesTest {

  @Test
  void everyAddressIsNamedByOneSchemeAndOnlyOnce() {
    List<String> names = Addresses.all().stream().map(BusAddress::name).toList();

    assertThat(names).hasSizeGreaterThanOrEqualTo(20).doesNotHaveDuplicates();
    assertThat(names).allSatisfy(name -> assertThat(name).matches("(http|writer|auth|metrics)\\.[a-z]+\\.[a-z]+"));
  }

  @Test
  void aMessageTravelsByReferenceOnceTheCodecsAreRegistered() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      LocalCodec.registerAll(vertx.eventBus());
      var sent = new AccountCommands.TierChanged(UUID.randomUUID());
      var received = new java.util.concurrent.CompletableFuture<Object>();
      Addresses.AUTH_TIER_CHANGED.consumer(vertx.eventBus(), message -> received.complete(message.body()))
          .completion().await(5, TimeUnit.SECONDS);

      Addresses.AUTH_TIER_CHANGED.publish(vertx.eventBus(), sent);

      assertThat(received.get(5, TimeUnit.SECONDS)).isSameAs(sent);
    } finally {
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void theCodecsFollowFromTheAddressTable() {
    assertThat(LocalCodec.messageTypes())
        .contains(WriteRequest.class, WriteResult.class, WriterStatus.class, EventsCommitted.class,
            com.apisentinel.auth.Principal.class, com.apisentinel.account.Customer.class, LiveWindowsView.class,
            AccountCommands.KeysUsed.class, AccountCommands.KeyListing.class, SessionCommands.Logout.class)
        .doesNotContain(Void.class)
        .hasSize(28);
  }

  @Test
  void aFactCannotBeSentAsARequest() {
    Vertx vertx = Vertx.vertx();
    try {
      assertThatThrownBy(() -> Addresses.EVENTS_COMMITTED.request(vertx.eventBus(), new EventsCommitted(List.of())))
          .hasMessageContaining("writer.events.committed is a fact");
    } finally {
      vertx.close();
    }
  }
}
