package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import dev.nimblekafka.worker.Worker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: its own JVM, the real broker, a worker and the simulator. */
@RealKafka
class CommandLineEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @Timeout(180)
  void submitWaitStatusAndTailShowTheWholeLoop(KafkaBroker broker, @TempDir Path dir)
      throws Exception {
    String prefix = broker.uniqueName("cli");
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    env.put("REQUESTS_TOPIC", broker.createTopic(prefix + ".requests", 2));
    env.put("RESULTS_TOPIC", prefix + ".results");
    env.put("FAILURES_TOPIC", prefix + ".failures");
    env.put("STATE_TOPIC", prefix + ".state");
    env.put("CALLBACKS_TOPIC", prefix + ".callbacks");
    env.put("USAGE_TOPIC", prefix + ".usage");
    env.put("WORKER_GROUP_ID", prefix + "-group");
    SimConfig simConfig =
        SimConfig.builder().port(0).apiKey("cli-key").taskDuration(Duration.ofMillis(300)).build();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig)) {
      Map<String, String> workerEnv = new HashMap<>(env);
      workerEnv.put("NIMBLE_BASE_URL", sim.baseUrl());
      workerEnv.put("NIMBLE_API_KEY", "cli-key");
      workerEnv.put("HTTP_PORT", "0");
      workerEnv.put("ADMIN_PORT", "0");
      workerEnv.put("TASK_EXPECTED_DURATION", "300ms");
      workerEnv.put("POLL_MIN_INTERVAL", "100ms");
      try (Worker worker =
          new Worker(
              ConfigLoader.load(workerEnv, Optional.empty()),
              new SimpleMeterRegistry(),
              Clock.systemUTC())) {
        worker.start();
        Path input = dir.resolve("input.txt");
        Files.writeString(
            input,
            "# a comment\nhttps://www.example.com/a\n\nhttps://www.example.com/b\n"
                + "{\"request_id\":\"json-1\",\"agent\":{\"agent\":\"google_search\",\"params\":{\"query\":\"kafka\"}}}\n"
                + "{\"request_id\":\"bad-1\",\"extract\":{\"url\":\"ftp://nope\"}}\n");
        Path out = dir.resolve("outcomes.jsonl");

        CliProcess.Run submit =
            CliProcess.run(env, dir, "submit", input.toString(), "--wait", "-o", out.toString());
        assertThat(submit.exit()).as("a request failed: " + submit.err()).isEqualTo(4);
        assertThat(submit.err()).contains("submitted 4 requests").contains("3 results, 1 failure,");
        List<JsonNode> outcomes = lines(Files.readString(out));
        assertThat(outcomes).hasSize(4);
        assertThat(outcomes)
            .anySatisfy(o -> assertThat(o.path("request_id").asText()).isEqualTo("json-1"))
            .anySatisfy(
                o -> assertThat(o.path("error").path("code").asText()).isEqualTo("INVALID_FIELD"))
            .anySatisfy(
                o ->
                    assertThat(o.path("result").path("url").asText())
                        .isEqualTo("https://www.example.com/b"));

        CliProcess.Run status = CliProcess.run(env, dir, "status", "--json");
        assertThat(status.exit()).as(status.err()).isZero();
        JsonNode report = JSON.readTree(status.out());
        assertThat(report.path("pending").asInt()).isZero();
        assertThat(report.path("partitions").size()).isEqualTo(2);

        CliProcess.Run tail = CliProcess.run(env, dir, "tail", "--from-beginning", "--max", "4");
        assertThat(tail.exit()).as(tail.err()).isZero();
        assertThat(tail.out().lines()).hasSize(4);
        assertThat(tail.out())
            .contains("FAILED  bad-1  validate/INVALID_FIELD")
            .contains("OK      json-1");

        CliProcess.Run help = CliProcess.run(env, dir, "submit", "--help");
        assertThat(help.out()).contains("Example").contains("--wait");
      }
    }
  }

  private static List<JsonNode> lines(String text) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }
}
