package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.sim.DurationDistribution;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills the worker without any shutdown (nothing flushed, nothing committed, no group leave) three
 * times at random points of a 500-request run, restarting it each time.
 */
@RealKafka
class WorkerCrashTest {
  private static final Logger log = LoggerFactory.getLogger(WorkerCrashTest.class);

  @Test
  @Timeout(240)
  void crashesLoseNothingAndDuplicateAtMostWhatWasInFlight(KafkaBroker broker) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    log.info("crash test seed {}", seed);
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(5_000)
            .taskDuration(
                DurationDistribution.uniform(Duration.ofMillis(100), Duration.ofMillis(1_500)))
            .build();
    List<String> values = WorkerHarness.extractRequests("crash", 500);
    List<String> ids = IntStream.range(0, 500).mapToObj(i -> "crash-" + i).toList();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness =
            new WorkerHarness(
                broker,
                sim,
                4,
                Map.of(
                    "KAFKA_SESSION_TIMEOUT_MS", "6000",
                    "TRANSACTION_TIMEOUT", "5s",
                    "MAX_PENDING_TASKS", "60"))) {
      harness.produce(values);
      List<Integer> atRisk = new ArrayList<>();
      int progress = 0;
      Worker worker = harness.startWorker("crash-a");
      for (int crash = 0; crash < 3; crash++) {
        progress += 40 + random.nextInt(80);
        harness.awaitOutcomes(progress, Duration.ofSeconds(60), Duration.ZERO);
        worker.halt();
        atRisk.add(worker.status().atRisk());
        log.info("crash {} after {} outcomes; {} submissions at risk", crash + 1, progress, atRisk);
        worker = harness.startWorker(crash % 2 == 0 ? "crash-b" : "crash-a");
      }
      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(500, Duration.ofSeconds(120), Duration.ofSeconds(2));

      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(outcomes).allMatch(o -> o.topic().equals(harness.results));
      long duplicates = sim.stats().duplicateInputsLive();
      int bound = atRisk.stream().mapToInt(Integer::intValue).sum();
      log.info(
          "duplicate submissions counted by the simulator: {}; in flight at the crashes: {} (seed {})",
          duplicates,
          atRisk,
          seed);
      assertThat(duplicates).as("seed " + seed).isLessThanOrEqualTo(bound);
    }
  }
}
