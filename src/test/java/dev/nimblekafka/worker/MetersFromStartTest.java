package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.OperatorKit;
import dev.nimblekafka.testkit.RealKafka;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker that has processed nothing yet already exports every series the alert rules, the
 * dashboard and the autoscalers read, and the labelled ones with their known label values at zero:
 * an alert or a rate over a series that does not exist yet sees nothing.
 */
@RealKafka
class MetersFromStartTest {
  /**
   * Series that are not the worker's to make at start: {@code up} comes from Prometheus, {@code
   * kafka_consumergroup_lag} from a Kafka exporter, and the JVM's GC pause timer is made by
   * Micrometer's binder at the first collection (tagged by the collector and the collection's
   * cause, which are not known before).
   */
  private static final Set<String> NOT_AT_START =
      Set.of(
          "up",
          "kafka_consumergroup_lag",
          "jvm_gc_pause_seconds_count",
          "jvm_gc_pause_seconds_sum");

  @Test
  @Timeout(120)
  void everySeriesTheKitNamesIsExportedBeforeTheFirstRequest(KafkaBroker broker) throws Exception {
    SimConfig simConfig = SimConfig.builder().port(0).apiKey(WorkerHarness.API_KEY).build();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness = new WorkerHarness(broker, sim, 2, Map.of())) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Worker worker =
          harness.startWorker(
              "fresh", Map.of("HTTP_PORT", Integer.toString(WorkerHarness.freePort())), registry);
      await().atMost(Duration.ofSeconds(60)).until(() -> worker.status().ready());
      String scrape = WorkerHarness.get(worker, "/metrics").getValue();

      Set<String> scraped = OperatorKit.exposedNames(scrape);
      Set<String> named = new TreeSet<>();
      named.addAll(namesIn(OperatorKit.alerts().values()));
      named.addAll(namesIn(OperatorKit.dashboardExpressions()));
      named.addAll(namesIn(OperatorKit.autoscalerExpressions()));
      named.removeAll(NOT_AT_START);
      assertThat(named).contains("nimble_worker_outcomes_total", "nimble_worker_tasks_pending");
      assertThat(new TreeSet<>(named))
          .as("series the kit names, missing from a fresh worker's scrape")
          .allSatisfy(name -> assertThat(scraped).contains(name));

      for (String code : failureCodes()) {
        assertThat(scrape)
            .contains("nimble_worker_outcomes_total{code=\"" + code + "\",topic=\"failures\"} 0.0");
      }
      assertThat(scrape)
          .contains("nimble_worker_outcomes_total{code=\"OK\",topic=\"results\"} 0.0");
      for (String outcome : WorkerMetrics.CALLBACK_OUTCOMES) {
        assertThat(scrape)
            .contains("nimble_worker_callbacks_total{outcome=\"" + outcome + "\"} 0.0");
      }
      for (String operation : WorkerMetrics.CALL_OPERATIONS) {
        assertThat(scrape)
            .contains(
                "nimble_worker_nimble_calls_seconds_count{operation=\""
                    + operation
                    + "\",outcome=\"ok\"} 0");
      }
    }
  }

  /** The failure codes of the failure contract. */
  private static List<String> failureCodes() throws Exception {
    try (InputStream in =
        MetersFromStartTest.class.getResourceAsStream("/schemas/failure.schema.json")) {
      JsonNode codes = new ObjectMapper().readTree(in).at("/properties/error/properties/code/enum");
      assertThat(codes.size()).isPositive();
      return java.util.stream.StreamSupport.stream(codes.spliterator(), false)
          .map(JsonNode::asText)
          .toList();
    }
  }

  private static Set<String> namesIn(Collection<String> exprs) {
    Set<String> names = new TreeSet<>();
    exprs.forEach(e -> names.addAll(OperatorKit.metricNames(e)));
    return names;
  }
}
