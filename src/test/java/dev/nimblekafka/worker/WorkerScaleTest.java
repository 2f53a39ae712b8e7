package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two workers share the partitions; one leaves mid-run and the other finishes its tasks. */
@RealKafka
class WorkerScaleTest {

  @Test
  @Timeout(180)
  void theSurvivorRestoresPendingTasksAndFinishesThemWithoutResubmitting(KafkaBroker broker)
      throws Exception {
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(400)
            .requestsPerSecond(5_000)
            .taskDuration(Duration.ofSeconds(4))
            .build();
    List<String> ids = IntStream.range(0, 300).mapToObj(i -> "scale-" + i).toList();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness =
            new WorkerHarness(broker, sim, 6, Map.of("MAX_PENDING_TASKS", "200"))) {
      Worker first = harness.startWorker("scale-a");
      Worker second = harness.startWorker("scale-b");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  first.status().assignedPartitions() > 0
                      && second.status().assignedPartitions() > 0
                      && first.status().ready()
                      && second.status().ready());
      harness.produce(WorkerHarness.extractRequests("scale", 300));
      // both hold submitted tasks at Nimble, none finished yet (tasks take 4 s)
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> sim.stats().tasksCreated() == 300 && first.status().slotsUsed() > 0);
      int handedOver = first.status().slotsUsed();

      first.close();

      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(300, Duration.ofSeconds(90), Duration.ofSeconds(2));
      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(outcomes).allMatch(o -> o.topic().equals(harness.results));
      assertThat(second.status().assignedPartitions()).isEqualTo(6);
      assertThat(second.status().restoredTasks())
          .as("pending tasks taken over from the state topic")
          .isGreaterThanOrEqualTo(handedOver);
      assertThat(sim.stats().tasksCreated()).as("no task submitted twice").isEqualTo(300);
      assertThat(sim.stats().duplicateInputs()).isZero();
    }
  }
}
