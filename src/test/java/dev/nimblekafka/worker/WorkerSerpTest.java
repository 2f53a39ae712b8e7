package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.sim.DurationDistribution;
import dev.nimblekafka.sim.FaultSettings;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import dev.nimblekafka.wire.ApiVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SERP requests pass the checks extract requests pass, on a real broker: exactly one outcome each,
 * no task paid twice when create answers are lost (their tasks are found by input, as SERP creates
 * carry no mark), and no more duplicates than were in flight when the worker is killed.
 */
@RealKafka
class WorkerSerpTest {
  private static final Logger log = LoggerFactory.getLogger(WorkerSerpTest.class);

  /** {@code n} SERP requests with ids {@code <prefix>-<i>} and distinct searches. */
  static List<String> serpRequests(String prefix, int n) {
    String[] engines = {"google_search", "bing_search", "google_news", "yandex_search"};
    List<String> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      values.add(
          "{\"request_id\":\"%s-%d\",\"serp\":{\"search_engine\":\"%s\",\"query\":\"%s %d\",\"country\":\"US\"},\"metadata\":{\"i\":%d}}"
              .formatted(prefix, i, engines[i % engines.length], prefix, i, i));
    }
    return values;
  }

  @ParameterizedTest
  @EnumSource(ApiVersion.class)
  @Timeout(180)
  void lostCreateAnswersCostNoSecondTask(ApiVersion version, KafkaBroker broker) throws Exception {
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(5_000)
            .taskDuration(
                DurationDistribution.uniform(Duration.ofMillis(50), Duration.ofMillis(800)))
            .faults(FaultSettings.NONE.withLostResponseRate(0.05))
            .build();
    List<String> ids = IntStream.range(0, 300).mapToObj(i -> "serp-" + i).toList();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness =
            new WorkerHarness(
                broker,
                sim,
                4,
                Map.of("NIMBLE_API_VERSION", version.wire(), "BATCH_SUBMIT", "true"))) {
      harness.produce(serpRequests("serp", 300));
      harness.startWorker("serp");
      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(300, Duration.ofSeconds(120), Duration.ofSeconds(2));

      Map<String, WorkerHarness.Outcome> byId = WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(byId.values()).allMatch(o -> o.topic().equals(harness.results));
      assertThat(byId.values()).allMatch(o -> o.value().path("kind").asText().equals("serp"));
      assertThat(byId.values())
          .allMatch(o -> o.value().at("/result/data/parsing/entities/OrganicResult").isArray());
      assertThat(sim.stats().callsTo("POST " + version.serpBatch()))
          .as("SERP requests went in batches")
          .isPositive();
      assertThat(sim.stats().duplicateInputsLive()).as("nothing charged twice").isZero();
    }
  }

  @Test
  @Timeout(240)
  void crashesLoseNoSerpRequestAndDuplicateAtMostWhatWasInFlight(KafkaBroker broker)
      throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    log.info("serp crash test seed {}", seed);
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(5_000)
            .taskDuration(
                DurationDistribution.uniform(Duration.ofMillis(100), Duration.ofMillis(1_500)))
            .build();
    List<String> ids = IntStream.range(0, 300).mapToObj(i -> "serp-crash-" + i).toList();
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
      harness.produce(serpRequests("serp-crash", 300));
      List<Integer> atRisk = new ArrayList<>();
      int progress = 0;
      Worker worker = harness.startWorker("serp-a");
      for (int crash = 0; crash < 2; crash++) {
        progress += 40 + random.nextInt(60);
        harness.awaitOutcomes(progress, Duration.ofSeconds(60), Duration.ZERO);
        worker.halt();
        atRisk.add(worker.status().atRisk());
        worker = harness.startWorker(crash % 2 == 0 ? "serp-b" : "serp-a");
      }
      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(300, Duration.ofSeconds(120), Duration.ofSeconds(2));

      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(outcomes).allMatch(o -> o.topic().equals(harness.results));
      long duplicates = sim.stats().duplicateInputsLive();
      int bound = atRisk.stream().mapToInt(Integer::intValue).sum();
      log.info(
          "serp duplicates {}; in flight at the crashes {} (seed {})", duplicates, atRisk, seed);
      assertThat(duplicates).as("seed " + seed).isLessThanOrEqualTo(bound);
    }
  }
}
