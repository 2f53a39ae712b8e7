package dev.nimblekafka.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.sim.DurationDistribution;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos suite in small ({@code make chaos} is the full one): two worker JVMs, 1,000 requests,
 * one SIGKILL and restart, a short Nimble outage and 5% server errors; every request must have
 * exactly one outcome of the right kind.
 */
@RealKafka
class ChaosSmokeTest {
  private static final Logger log = LoggerFactory.getLogger(ChaosSmokeTest.class);
  private static final String API_KEY = "sk-chaos-smoke-19b0";

  @Test
  @Timeout(180)
  void aKillAnOutageAndServerErrorsLoseNothingAndDuplicateNothing(KafkaBroker broker)
      throws Exception {
    long seed = Long.getLong("chaos.seed", System.nanoTime());
    log.info("chaos smoke seed {} (again: -Dchaos.seed={})", seed, seed);
    // kept after the test, so that a failure leaves its evidence
    Path logs = Files.createDirectories(Path.of("target", "chaos-smoke", Long.toString(seed)));
    ChaosPlan plan = ChaosPlan.draw(seed, ChaosPlan.Shape.smoke());
    plan.faults().forEach(f -> log.info("  planned {} {}", Text.offset(f.at()), f.describe()));
    assertThat(plan.kills()).as("seed " + seed).hasSize(1);

    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(5_000)
            .taskDuration(
                DurationDistribution.uniform(Duration.ofMillis(50), Duration.ofMillis(400)))
            .build();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig)) {
      SimAdmin admin = new SimAdmin(sim.baseUrl(), API_KEY);
      List<String> command = new ArrayList<>(SimProcess.javaCommand("256m"));
      command.addAll(
          List.of(
              "-Dlogback.configurationFile=logback.xml", // the product's logging, as JSON
              "-cp",
              System.getProperty("java.class.path"),
              "dev.nimblekafka.cli.Main",
              "worker"));
      ChaosSystem system =
          new ChaosSystem() {
            @Override
            public String bootstrapServers() {
              return broker.bootstrapServers();
            }

            @Override
            public SimAdmin sim() {
              return admin;
            }

            @Override
            public List<String> workerCommand() {
              return command;
            }

            @Override
            public void restartBroker(Timeline timeline) {
              throw new UnsupportedOperationException("the shared test broker stays up");
            }
          };
      ChaosSettings settings =
          new ChaosSettings(
              broker.uniqueName("chaos"),
              API_KEY,
              Map.of("NIMBLE_QPS", "2000"),
              logs,
              Duration.ofSeconds(60),
              Duration.ofSeconds(60));

      ChaosResult result = new ChaosRun(plan, system, settings).run();

      String summary = ChaosReport.summary(result);
      log.info("chaos smoke result:\n{}", summary);
      assertThat(result.notProduced()).as("requests the broker did not take").isEmpty();
      assertThat(result.timeline().entries())
          .as("the worker was killed")
          .anyMatch(e -> e.kind() == Timeline.Kind.KILL);
      assertThat(result.violations())
          .as("seed %d, worker logs in %s\n%s", seed, logs.toAbsolutePath(), summary)
          .isEmpty();
    }
  }
}
