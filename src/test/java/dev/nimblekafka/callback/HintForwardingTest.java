package dev.nimblekafka.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nimblekafka.http.WorkerHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hints for partitions another pod owns go to the callbacks topic; a producer that blocks (the
 * brokers unreachable, the topic's metadata missing) must not hold the HTTP threads.
 */
@Timeout(30)
class HintForwardingTest {
  private static final String SECRET = "hint-forwarding-secret-0123456789";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private final CountDownLatch brokersBack = new CountDownLatch(1);
  private final CountDownLatch sendStarted = new CountDownLatch(1);

  /** A producer whose send blocks, as KafkaProducer's does while metadata is missing. */
  private final MockProducer<byte[], byte[]> blocked =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
        @Override
        public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback done) {
          sendStarted.countDown();
          try {
            brokersBack.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return super.send(record, done);
        }
      };

  private final List<String> outcomes = new CopyOnWriteArrayList<>();
  private final CallbackTokens tokens = new CallbackTokens(SECRET);

  @AfterEach
  void release() {
    brokersBack.countDown();
  }

  private static HttpResponse<String> post(int port, String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + CallbackEndpoint.PATH + token))
            .timeout(Duration.ofSeconds(3))
            .POST(HttpRequest.BodyPublishers.ofString("{\"task\":{\"id\":\"t-1\"}}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private WorkerHttpServer server(HintForwarder forwarder) throws Exception {
    CallbackRouter router =
        new CallbackRouter(Set.of(), hint -> {}, forwarder, "callbacks", outcomes::add);
    return new WorkerHttpServer("callback", 0, 2, Duration.ofSeconds(30))
        .route(CallbackEndpoint.PATH, new CallbackEndpoint(tokens, 65_536, router, outcomes::add))
        .start();
  }

  @Test
  void forwardingAHintWhileKafkaBlocksDoesNotHoldTheHttpThread() throws Exception {
    try (HintForwarder forwarder = new HintForwarder(blocked, 100, outcomes::add).start();
        WorkerHttpServer server = server(forwarder)) {
      for (int i = 0; i < 6; i++) { // more than the port's threads
        assertThat(post(server.port(), tokens.token(3, "r-" + i)).statusCode()).isEqualTo(202);
      }
      assertThat(sendStarted.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      brokersBack.countDown();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(blocked.history()).hasSize(6));
      assertThat(blocked.history().get(0).partition()).isEqualTo(3);
      assertThat(outcomes).doesNotContain("forward_dropped");
    }
  }

  @Test
  void aBatchHintGoesToThisPodForItsOwnPartitionsAndIsForwardedForTheOthers() throws Exception {
    brokersBack.countDown();
    List<CallbackHint> local = new CopyOnWriteArrayList<>();
    try (HintForwarder forwarder = new HintForwarder(blocked, 100, outcomes::add).start()) {
      CallbackRouter router =
          new CallbackRouter(Set.of(0, 3), local::add, forwarder, "callbacks", outcomes::add);
      router.accept(new CallbackHint(List.of(0, 3, 5, 7), "batch-x", "t-1", null));
      router.accept(new CallbackHint(List.of(0, 3), "batch-y", "t-2", null));

      assertThat(local)
          .extracting(CallbackHint::partitions)
          .containsExactly(List.of(0, 3), List.of(0, 3));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(blocked.history())
                      .extracting(ProducerRecord::partition)
                      .containsExactly(5, 7));
    }
  }

  @Test
  void hintsBeyondTheForwardQueueAreDroppedAndCounted() throws Exception {
    try (HintForwarder forwarder = new HintForwarder(blocked, 2, outcomes::add).start();
        WorkerHttpServer server = server(forwarder)) {
      assertThat(post(server.port(), tokens.token(1, "first")).statusCode()).isEqualTo(202);
      assertThat(sendStarted.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 4; i++) { // two wait in the queue, two find it full
        assertThat(post(server.port(), tokens.token(1, "r-" + i)).statusCode()).isEqualTo(202);
      }

      assertThat(outcomes.stream().filter("forward_dropped"::equals).count()).isEqualTo(2);
      brokersBack.countDown();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(blocked.history()).hasSize(3));
    }
  }
}
