package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.REQUESTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.http.AdminEndpoints;
import dev.nimblekafka.http.WorkerHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Liveness follows the consume loop's turns: a loop stuck in a call or deadlocked (its thread
 * alive, nothing moving) fails the probe once it has not turned for the stall limit (2 min in the
 * rig).
 */
@Timeout(10)
class LoopLivenessTest {
  private final LifecycleRig rig = new LifecycleRig();
  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
  private final ConsumeLoop loop =
      new ConsumeLoop(
          consumer,
          rig.lifecycle,
          rig.unit,
          rig.events,
          rig.status,
          rig.clock,
          new ConsumeLoop.Settings(
              REQUESTS,
              Duration.ofMillis(100),
              Duration.ofSeconds(5),
              1_000,
              false,
              Duration.ofMinutes(2)),
          new HintFollower(null, "callbacks", Set.of(), rig.lifecycle),
          ConcurrentHashMap.newKeySet());

  @Test
  void aLoopThatStopsTurningFailsLiveness() {
    loop.begin();
    loop.runOnce();
    rig.clock.advance(Duration.ofMinutes(2));
    assertThat(rig.status.live()).as("at the stall limit").isTrue();

    rig.clock.advance(Duration.ofMillis(1));
    assertThat(rig.status.live()).as("live though the loop has not turned for 2 min").isFalse();

    loop.runOnce();
    assertThat(rig.status.live()).as("live again once it turns").isTrue();
  }

  @Test
  void aStuckLoopIsAnswered503OnTheLivenessProbe() throws Exception {
    loop.begin();
    loop.runOnce();
    try (WorkerHttpServer admin =
        AdminEndpoints.on(
                new WorkerHttpServer("admin", 0, 1, Duration.ofSeconds(5)),
                new WorkerHealth(rig.status),
                () -> "")
            .start()) {
      assertThat(live(admin.port()).statusCode()).isEqualTo(200);

      rig.clock.advance(Duration.ofMinutes(3));
      HttpResponse<String> stuck = live(admin.port());
      assertThat(stuck.statusCode()).isEqualTo(503);
      assertThat(stuck.body()).startsWith("{\"status\":\"DOWN\",\"live\":false,");
    }
  }

  private static HttpResponse<String> live(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
                .timeout(Duration.ofSeconds(3))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
