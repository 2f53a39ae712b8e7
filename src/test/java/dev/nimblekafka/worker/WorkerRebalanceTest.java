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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pods join and leave while requests flow, as an autoscaler moves them: every rebalance happens
 * with transactions open, and still no request gets a second task.
 */
@RealKafka
class WorkerRebalanceTest {

  @Test
  @Timeout(240)
  void podsJoiningAndLeavingMidRunCreateNoTaskTwice(KafkaBroker broker) throws Exception {
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(83)
            .taskDuration(Duration.ofSeconds(2))
            .build();
    List<String> ids = new ArrayList<>();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness =
            new WorkerHarness(broker, sim, 6, Map.of("TASK_EXPECTED_DURATION", "2s"))) {
      Worker first = harness.startWorker("rebalance-a");
      await().atMost(Duration.ofSeconds(60)).until(() -> first.status().ready());
      wave(harness, ids, "wave-1");
      await().atMost(Duration.ofSeconds(30)).until(() -> sim.stats().tasksCreated() >= 50);

      Worker second = harness.startWorker("rebalance-b");
      wave(harness, ids, "wave-2");
      await().atMost(Duration.ofSeconds(60)).until(() -> second.status().assignedPartitions() > 0);

      Worker third = harness.startWorker("rebalance-c");
      wave(harness, ids, "wave-3");
      await().atMost(Duration.ofSeconds(60)).until(() -> third.status().assignedPartitions() > 0);

      first.close(); // leaves with SIGTERM's drain while the others hold open transactions

      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(ids.size(), Duration.ofSeconds(150), Duration.ofSeconds(2));
      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(sim.stats().tasksCreated())
          .as("tasks created for %d requests across three rebalances", ids.size())
          .isEqualTo(ids.size());
    }
  }

  private static void wave(WorkerHarness harness, List<String> ids, String prefix) {
    List<String> requests = WorkerHarness.extractRequests(prefix, 150);
    for (int i = 0; i < 150; i++) {
      ids.add(prefix + "-" + i);
    }
    harness.produce(requests);
  }
}
