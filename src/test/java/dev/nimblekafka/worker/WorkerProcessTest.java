package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

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
      env.put("SHUTDOWN_GRACE_PERIOD", "10s");
      Path log = dir.resolve("worker.log");
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
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

      harness.startWorker("term-b");
      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(200, Duration.ofSeconds(90), Duration.ofSeconds(2));
      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(sim.stats().duplicateInputs())
          .as("a drained worker leaves no submission unrecorded")
          .isZero();
    }
  }
}
