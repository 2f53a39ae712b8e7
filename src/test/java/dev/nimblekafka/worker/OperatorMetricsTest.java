package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.LogCapture;
import dev.nimblekafka.testkit.OperatorKit;
import dev.nimblekafka.testkit.RealKafka;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every series the operator's kit names (the alert rules, the Grafana dashboard, the autoscalers'
 * queries, the metrics reference in docs/operations.md) is in a real scrape of a running worker,
 * and every series of the worker's own is in the reference.
 */
@RealKafka
class OperatorMetricsTest {
  private static final String SECRET = "callback-secret-operator-metrics-42";

  /**
   * Series that come from elsewhere by nature: {@code up} is made by Prometheus for every target;
   * {@code kafka_consumergroup_lag} is the group's lag as a Kafka exporter (Strimzi's Kafka
   * Exporter, kafka-exporter) reads it from the brokers. The worker's own consumer cannot report
   * it: its lag meters stop moving while it pauses partitions, which is when the lag grows.
   */
  private static final Set<String> FROM_ELSEWHERE = Set.of("up", "kafka_consumergroup_lag");

  private static final Path root = OperatorKit.root();

  @Test
  @Timeout(150)
  void everySeriesTheKitNamesIsScrapedFromARunningWorker(KafkaBroker broker) throws Exception {
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .requestsPerSecond(5_000)
            .taskDuration(Duration.ofMillis(200))
            .build();
    List<String> values = new ArrayList<>(WorkerHarness.extractRequests("kit", 10));
    values.add("{\"request_id\":\"bad-0\",\"extract\":{\"url\":\"ftp://x\"}}");
    String scrape;
    List<String> logs;
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness = new WorkerHarness(broker, sim, 2, Map.of());
        LogCapture capture = LogCapture.start(Map.of(Worker.class.getName(), Level.INFO))) {
      int port = WorkerHarness.freePort();
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Worker worker =
          harness.startWorker(
              "kit",
              Map.of(
                  "HTTP_PORT",
                  Integer.toString(port),
                  "CALLBACK_BASE_URL",
                  "http://127.0.0.1:" + port,
                  "CALLBACK_SECRET",
                  SECRET,
                  "TENANT_DAILY_TASKS",
                  "kit=1000000"),
              registry);
      await().atMost(Duration.ofSeconds(30)).until(() -> worker.status().ready());
      harness.produce(values);
      harness.awaitOutcomes(11, Duration.ofSeconds(60), Duration.ZERO);
      System.gc(); // a real collection, so that the GC pause timer has a sample
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          OperatorKit.exposedNames(
                              WorkerHarness.get(worker, "/metrics").getValue()))
                      .contains(
                          "jvm_gc_pause_seconds_count",
                          "kafka_consumer_fetch_manager_records_lag_max",
                          "nimble_worker_callbacks_total"));
      scrape = WorkerHarness.get(worker, "/metrics").getValue();
      logs = capture.lines();
    }
    Files.createDirectories(root.resolve("target"));
    Files.writeString(root.resolve("target/operator-metrics-scrape.txt"), scrape);
    Set<String> scraped = OperatorKit.exposedNames(scrape);

    Map<String, Set<String>> named = new java.util.LinkedHashMap<>();
    named.put("the alert rules", namesIn(OperatorKit.alerts().values()));
    named.put("the Grafana dashboard", namesIn(OperatorKit.dashboardExpressions()));
    named.put("the autoscalers", namesIn(OperatorKit.autoscalerExpressions()));
    named.put("the metrics reference", OperatorKit.referenceNames());
    for (Map.Entry<String, Set<String>> e : named.entrySet()) {
      Set<String> missing = new TreeSet<>();
      for (String name : e.getValue()) {
        // a histogram or summary is named by its base name in the reference
        boolean present = scraped.contains(name) || scraped.contains(name + "_count");
        if (!FROM_ELSEWHERE.contains(name) && !present) {
          missing.add(name);
        }
      }
      assertThat(e.getValue()).as(e.getKey() + " name series").isNotEmpty();
      assertThat(missing).as("series in " + e.getKey() + " but not in the scrape").isEmpty();
    }

    Set<String> reference = OperatorKit.referenceNames();
    Set<String> undocumented = new TreeSet<>();
    for (String name : scraped) {
      if (name.startsWith("nimble_worker_") && !documented(name, reference)) {
        undocumented.add(name);
      }
    }
    assertThat(undocumented).as("worker series missing from docs/operations.md").isEmpty();

    List<String> effective =
        logs.stream().filter(l -> l.contains("Effective configuration")).toList();
    assertThat(effective).as("the effective configuration, logged once").hasSize(1);
    assertThat(effective.get(0))
        .contains("maxPending=")
        .doesNotContain(WorkerHarness.API_KEY)
        .doesNotContain(SECRET);
  }

  /** A histogram or summary's series count as documented under their base name. */
  private static boolean documented(String name, Set<String> reference) {
    if (reference.contains(name)) {
      return true;
    }
    for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
      if (name.endsWith(suffix)
          && reference.contains(name.substring(0, name.length() - suffix.length()))) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> namesIn(java.util.Collection<String> exprs) {
    Set<String> names = new TreeSet<>();
    exprs.forEach(e -> names.addAll(OperatorKit.metricNames(e)));
    return names;
  }
}
