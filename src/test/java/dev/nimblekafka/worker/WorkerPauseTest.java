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

/** Nimble down or out of budget: the worker pauses, loses nothing, and finishes afterwards. */
@RealKafka
class WorkerPauseTest {

  private static SimConfig sim() {
    return SimConfig.builder()
        .port(0)
        .apiKey(WorkerHarness.API_KEY)
        .maxConcurrentTasks(50)
        .requestsPerSecond(5_000)
        .taskDuration(Duration.ofMillis(300))
        .build();
  }

  @Test
  @Timeout(180)
  void aTwentySecondOutageOpensTheCircuitAndEverythingFinishesAfter(KafkaBroker broker)
      throws Exception {
    List<String> ids = IntStream.range(0, 300).mapToObj(i -> "outage-" + i).toList();
    try (NimbleSimulator sim = NimbleSimulator.start(sim());
        WorkerHarness harness = new WorkerHarness(broker, sim, 3, Map.of())) {
      Worker worker = harness.startWorker("outage");
      harness.produce(WorkerHarness.extractRequests("outage", 100));
      harness.awaitOutcomes(100, Duration.ofSeconds(60), Duration.ZERO);

      sim.faults().outage(Duration.ofSeconds(20));
      harness.produce(WorkerHarness.extractRequests("outage", 300).subList(100, 300));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> worker.status().pauseReason() == PauseReason.CIRCUIT_OPEN);
      assertThat(WorkerHarness.get(worker, "/health/ready").getValue())
          .contains("\"paused\":\"circuit_open\"");

      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(300, Duration.ofSeconds(120), Duration.ofSeconds(2));
      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(outcomes).allMatch(o -> o.topic().equals(harness.results));
      assertThat(worker.status().pauseReason()).isNull();
    }
  }

  @Test
  @Timeout(120)
  void aPaymentRequiredPeriodPausesSubmissionsUntilTheBudgetReturns(KafkaBroker broker)
      throws Exception {
    List<String> ids = IntStream.range(0, 150).mapToObj(i -> "budget-" + i).toList();
    try (NimbleSimulator sim = NimbleSimulator.start(sim());
        WorkerHarness harness = new WorkerHarness(broker, sim, 3, Map.of())) {
      sim.faults().paymentRequired(Duration.ofSeconds(8));
      Worker worker = harness.startWorker("budget");
      harness.produce(WorkerHarness.extractRequests("budget", 150));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> worker.status().pauseReason() == PauseReason.BUDGET);
      assertThat(worker.status().pauseDetail()).contains("no budget");
      var ready = WorkerHarness.get(worker, "/health/ready");
      assertThat(ready.getKey()).as("paused is not unready: callbacks still arrive").isEqualTo(200);
      assertThat(ready.getValue()).contains("\"paused\":\"budget\"").contains("no budget");

      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(150, Duration.ofSeconds(90), Duration.ofSeconds(2));
      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(outcomes).allMatch(o -> o.topic().equals(harness.results));
      assertThat(sim.stats().tasksCreated()).isEqualTo(150);
    }
  }
}
