package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What an operator sees: the Prometheus endpoint after a scenario, and the health endpoints. */
@RealKafka
class WorkerObservabilityTest {

  @Test
  @Timeout(120)
  void metricsCountTheScenarioAndHealthSaysReady(KafkaBroker broker) throws Exception {
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .requestsPerSecond(5_000)
            .taskDuration(Duration.ofMillis(200))
            .build();
    List<String> values = new ArrayList<>(WorkerHarness.extractRequests("obs", 27));
    for (int i = 0; i < 3; i++) {
      values.add("{\"request_id\":\"bad-%d\",\"extract\":{\"url\":\"ftp://x\"}}".formatted(i));
    }
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness = new WorkerHarness(broker, sim, 2, Map.of())) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Worker worker = harness.startWorker("obs", Map.of(), registry);
      // ready once joined and restored: a partition assigned after the first join restores first
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> WorkerHarness.get(worker, "/health/ready").getKey() == 200);
      var live = WorkerHarness.get(worker, "/health/live");
      var ready = WorkerHarness.get(worker, "/health/ready");
      assertThat(live.getKey()).isEqualTo(200);
      assertThat(ready.getKey()).isEqualTo(200);
      assertThat(ready.getValue()).contains("\"ready\":true").contains("\"paused\":null");

      harness.produce(values);
      harness.awaitOutcomes(30, Duration.ofSeconds(60), Duration.ZERO);
      // outcomes are read after their commit; the meters moved before it
      String metrics = WorkerHarness.get(worker, "/metrics").getValue();

      assertThat(value(metrics, "nimble_worker_requests_consumed_total")).isEqualTo(30);
      assertThat(value(metrics, "nimble_worker_outcomes_total{code=\"OK\",topic=\"results\"}"))
          .isEqualTo(27);
      assertThat(
              value(
                  metrics,
                  "nimble_worker_outcomes_total{code=\"INVALID_FIELD\",topic=\"failures\"}"))
          .isEqualTo(3);
      assertThat(
              value(
                  metrics,
                  "nimble_worker_nimble_calls_seconds_count{operation=\"results\",outcome=\"ok\"}"))
          .isEqualTo(27);
      assertThat(value(metrics, "nimble_worker_completion_to_result_seconds_count")).isEqualTo(27);
      assertThat(value(metrics, "nimble_worker_commit_seconds_count")).isPositive();
      assertThat(
              value(metrics, "resilience4j_circuitbreaker_state{name=\"nimble\",state=\"closed\"}"))
          .isEqualTo(1);
      assertThat(metrics)
          .contains("nimble_worker_key_calls_per_second")
          .contains("nimble_worker_tasks_pending{partition=\"0\"}")
          .contains("nimble_worker_paused{reason=\"budget\"} 0.0")
          .contains("nimble_worker_submissions_at_risk")
          .contains("kafka_consumer_fetch_manager_records_consumed_total")
          .contains("kafka_producer_record_send_total");
      assertThat(metrics).as("the API key in a metric").doesNotContain(WorkerHarness.API_KEY);
    }
  }

  /** The value of one exact series in Prometheus text. */
  private static double value(String metrics, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(metrics);
    assertThat(m.find()).as("series " + series + " in\n" + metrics).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
