package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Batch submission: one call for many requests, tasks mapped back, and a safe fallback. */
@RealKafka
class WorkerBatchTest {

  private static SimConfig sim() {
    return SimConfig.builder()
        .port(0)
        .apiKey(WorkerHarness.API_KEY)
        .maxConcurrentTasks(400)
        .requestsPerSecond(5_000)
        .taskDuration(Duration.ofMillis(500))
        .build();
  }

  private static final Map<String, String> BATCHING =
      Map.of("BATCH_SUBMIT", "true", "BATCH_LINGER", "50ms", "MAX_PENDING_TASKS", "300");

  @Test
  @Timeout(120)
  void manyRequestsGoInFewCallsAndEachTaskMapsBackToItsRequest(KafkaBroker broker)
      throws Exception {
    List<String> values = new ArrayList<>(WorkerHarness.extractRequests("batch", 300));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ids.add("batch-" + i);
    }
    for (int i = 0; i < 60; i++) {
      String agent = i % 2 == 0 ? "amazon_pdp" : "walmart_pdp";
      String param = i % 2 == 0 ? "asin" : "product_id";
      values.add(
          "{\"request_id\":\"agent-%d\",\"agent\":{\"agent\":\"%s\",\"params\":{\"%s\":\"P%05d\"}}}"
              .formatted(i, agent, param, i));
      ids.add("agent-" + i);
    }
    try (NimbleSimulator sim = NimbleSimulator.start(sim());
        WorkerHarness harness = new WorkerHarness(broker, sim, 3, BATCHING)) {
      harness.produce(values);
      harness.startWorker("batch");

      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(360, Duration.ofSeconds(90), Duration.ofSeconds(1));
      var byId = WorkerHarness.exactlyOnce(outcomes, ids);
      for (int i = 0; i < 300; i++) {
        WorkerHarness.Outcome outcome = byId.get("batch-" + i);
        assertThat(outcome.topic()).isEqualTo(harness.results);
        assertThat(outcome.value().path("result").path("url").asText())
            .as("the task of batch-%d is the one made from its input", i)
            .isEqualTo("https://site.example/batch/" + i);
      }
      for (int i = 0; i < 60; i++) {
        String wanted = "P%05d".formatted(i);
        assertThat(byId.get("agent-" + i).value().path("result").toString()).contains(wanted);
      }
      long batchCalls =
          sim.stats().callsTo("POST /v1/extract/batch")
              + sim.stats().callsTo("POST /v1/agents/batch");
      long singleCalls =
          sim.stats().callsTo("POST /v1/extract/async")
              + sim.stats().callsTo("POST /v1/agents/async");
      assertThat(batchCalls).isPositive();
      assertThat(batchCalls + singleCalls).as("creation calls for 360 requests").isLessThan(60);
      assertThat(sim.stats().tasksCreated()).isEqualTo(360);
    }
  }

  @Test
  @Timeout(120)
  void aBatchRefusedAsAWholeFallsBackToOneByOneSoOnlyTheBadRequestFails(KafkaBroker broker)
      throws Exception {
    List<String> values = new ArrayList<>(WorkerHarness.extractRequests("fallback", 40));
    // passes the worker's checks (it checks only documented limits) but not Nimble's schema
    values.set(
        17,
        "{\"request_id\":\"fallback-17\",\"extract\":{\"url\":\"https://site.example/x\",\"render_options\":\"fast\"}}");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add("fallback-" + i);
    }
    try (NimbleSimulator sim = NimbleSimulator.start(sim());
        WorkerHarness harness = new WorkerHarness(broker, sim, 1, BATCHING)) {
      harness.produce(values);
      harness.startWorker("fallback");

      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(40, Duration.ofSeconds(90), Duration.ofSeconds(1));
      var byId = WorkerHarness.exactlyOnce(outcomes, ids);
      WorkerHarness.Outcome bad = byId.get("fallback-17");
      assertThat(bad.topic()).isEqualTo(harness.failures);
      assertThat(bad.value().path("stage").asText()).isEqualTo("submit");
      assertThat(bad.value().path("error").path("http_status").asInt()).isEqualTo(400);
      assertThat(bad.value().path("error").path("details").path("schema_validation_errors"))
          .isNotEmpty();
      assertThat(outcomes.stream().filter(o -> o.topic().equals(harness.results))).hasSize(39);
      assertThat(sim.stats().callsTo("POST /v1/extract/batch")).isPositive();
      assertThat(sim.stats().tasksCreated()).isEqualTo(39);
    }
  }
}
