package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.sim.SimStats;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three workers on one key: together they ask Nimble for the key's rate, not three times it. */
@RealKafka
class WorkerFleetTest {

  @Test
  @Timeout(240)
  void threeWorkersOnOneKeyStayWithinItsRate(KafkaBroker broker) throws Exception {
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(83)
            .taskDuration(Duration.ofMillis(500))
            .build();
    int n = 900;
    List<String> ids = IntStream.range(0, n).mapToObj(i -> "fleet-" + i).toList();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness =
            new WorkerHarness(
                broker,
                sim,
                12,
                Map.of(
                    "NIMBLE_QPS", "83",
                    "NIMBLE_PLAN_TASKS", "100",
                    "BATCH_SUBMIT", "false", // one create per task: the calls the key must carry
                    "TASK_EXPECTED_DURATION", "500ms"))) {
      List<Worker> workers =
          List.of(
              harness.startWorker("fleet-a"),
              harness.startWorker("fleet-b"),
              harness.startWorker("fleet-c"));
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  workers.stream()
                      .allMatch(
                          w ->
                              w.status().ready()
                                  && w.status().assignedPartitions() > 0
                                  && w.status().key().pods() == 3));
      harness.produce(WorkerHarness.extractRequests("fleet", n));

      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(n, Duration.ofSeconds(150), Duration.ofSeconds(2));
      WorkerHarness.exactlyOnce(outcomes, ids);

      SimStats stats = sim.stats();
      long refused =
          stats.calls().values().stream()
              .mapToLong(byStatus -> byStatus.getOrDefault("429", 0L))
              .sum();
      assertThat(stats.totalCalls())
          .as("every request cost a create and a fetch")
          .isGreaterThan(2L * n);
      assertThat((double) refused / stats.totalCalls())
          .as("429s among %d calls", stats.totalCalls())
          .isLessThanOrEqualTo(0.01);
      double shares = workers.stream().mapToDouble(w -> w.status().key().callsPerSecond()).sum();
      assertThat(shares).as("the pods' shares add up to the key's rate").isLessThanOrEqualTo(83.5);
    }
  }
}
