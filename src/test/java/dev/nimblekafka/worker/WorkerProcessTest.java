package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The worker as its own JVM, as a pod runs it: SIGTERM drains, commits and exits 0. */
@RealKafka
class WorkerProcessTest {

  @Test
  @Timeout(180)
  void sigtermDrainsInFlightSubmissionsAndExitsZero(KafkaBroker broker, @TempDir Path dir)
      throws Exception {
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(5_000)
            .taskDuration(Duration.ofSeconds(2))
            .build();
    List<String> ids = IntStream.range(0, 200).mapToObj(i -> "term-" + i).toList();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness = new WorkerHarness(broker, sim, 3, Map.of())) {
      Map<String, String> env = harness.environment("term-a");
      env.put("HTTP_PORT", "0");
      env.put("ADMIN_PORT", "0");
      env.put("SHUTDOWN_GRACE_PERIOD", "10s");
      env.put("LOG_FORMAT", "json");
      env.put("LOG_LEVEL", "DEBUG");
      Path log = dir.resolve("worker.log");
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-Dlogback.configurationFile=logback.xml", // the product's, not the tests'
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.nimblekafka.cli.Main",
                  "worker")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      sim.faults().latency(Duration.ofMillis(300)); // keeps submissions in flight at SIGTERM
      Process worker = builder.start();
      try {
        harness.produce(WorkerHarness.extractRequests("term", 200));
        harness.awaitOutcomes(30, Duration.ofSeconds(90), Duration.ZERO);

        worker.destroy(); // SIGTERM
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as("exited in time").isTrue();
        assertThat(worker.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("Draining").contains("Worker stopped");
      } finally {
        worker.destroyForcibly();
      }

      assertJsonLogsWithoutTheKey(log);

      harness.startWorker("term-b");
      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(200, Duration.ofSeconds(90), Duration.ofSeconds(2));
      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(outcomes)
          .as("no outcome record carries the API key")
          .noneMatch(o -> o.value().toString().contains(WorkerHarness.API_KEY));
      assertThat(sim.stats().duplicateInputs())
          .as("a drained worker leaves no submission unrecorded")
          .isZero();
    }
  }

  /** Every line is one JSON object; per-request lines carry the MDC; the key appears nowhere. */
  private static void assertJsonLogsWithoutTheKey(Path log) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).isNotEmpty();
    boolean sawRequestMdc = false;
    for (String line : lines) {
      assertThat(line).as("the API key in a log line").doesNotContain(WorkerHarness.API_KEY);
      JsonNode entry = json.readTree(line);
      assertThat(entry.isObject()).as(line).isTrue();
      assertThat(entry.path("level").asText()).as(line).isNotEmpty();
      assertThat(entry.has("formattedMessage")).as(line).isTrue();
      JsonNode mdc = entry.path("mdc");
      if (mdc.has("request_id")) {
        sawRequestMdc = true;
        assertThat(mdc.has("partition") && mdc.has("offset")).as(line).isTrue();
      }
    }
    assertThat(sawRequestMdc).as("some line carries request_id, partition and offset").isTrue();
  }
}
