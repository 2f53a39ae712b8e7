package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Large requests on a real broker: a pod whose state holds more bytes of requests than its bound
 * allows takes the partitions over, holds no more than the bound, and ends every request once.
 */
@RealKafka
class WorkerMemoryTest {
  private static final long BOUND = 1_048_576;

  /** Requests of about 300 KB: a small extract with a large metadata blob. */
  private static List<String> largeRequests(String prefix, int n) {
    String blob = "m".repeat(300_000);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      values.add(
          "{\"request_id\":\"%s-%d\",\"extract\":{\"url\":\"https://site.example/%d\"},\"metadata\":{\"blob\":\"%s\"}}"
              .formatted(prefix, i, i, blob));
    }
    return values;
  }

  @Test
  @Timeout(240)
  void aPodTakingOverMoreStateThanItsBoundHoldsAtMostTheBoundAndEndsEveryRequestOnce(
      KafkaBroker broker) throws Exception {
    SimConfig sim =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(5_000)
            .taskDuration(Duration.ofSeconds(4))
            .build();
    List<String> values = largeRequests("big", 24);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      ids.add("big-" + i);
    }
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try (NimbleSimulator simulator = NimbleSimulator.start(sim);
        WorkerHarness harness =
            new WorkerHarness(
                broker,
                simulator,
                3,
                Map.of("KAFKA_SESSION_TIMEOUT_MS", "6000", "TRANSACTION_TIMEOUT", "5s"))) {
      Worker first = harness.startWorker("mem-a", Map.of("MAX_PENDING_BYTES", "67108864"));
      harness.produce(values);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> first.status().held() == values.size() && first.status().queued() == 0);
      await().atMost(Duration.ofSeconds(10)).until(() -> first.status().atRisk() == 0);
      first.halt(); // its state now holds about 7 MB of requests

      Worker second =
          harness.startWorker("mem-b", Map.of("MAX_PENDING_BYTES", Long.toString(BOUND)));
      AtomicLong most = new AtomicLong();
      sampler.scheduleAtFixedRate(
          () -> most.accumulateAndGet(second.status().heldBytes(), Math::max),
          0,
          5,
          TimeUnit.MILLISECONDS);
      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(values.size(), Duration.ofSeconds(150), Duration.ofSeconds(2));

      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(outcomes).allMatch(o -> o.topic().equals(harness.results));
      assertThat(most.get()).as("bytes held at most").isPositive().isLessThanOrEqualTo(BOUND);
      assertThat(simulator.stats().tasksCreated())
          .as("none created twice")
          .isEqualTo(values.size());
    } finally {
      sampler.shutdownNow();
    }
  }
}
