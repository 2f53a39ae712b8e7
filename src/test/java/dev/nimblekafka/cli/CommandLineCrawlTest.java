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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit --crawl URL --wait} and {@code tail} as a user runs them, against a real worker.
 */
@RealKafka
class CommandLineCrawlTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @Timeout(180)
  void submitCrawlWaitShowsThePagesAndEndsWithTheSummary(KafkaBroker broker, @TempDir Path dir)
      throws Exception {
    String prefix = broker.uniqueName("cli-crawl");
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
        SimConfig.builder().port(0).apiKey("cli-key").taskDuration(Duration.ofMillis(100)).build();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig)) {
      Map<String, String> workerEnv = new HashMap<>(env);
      workerEnv.put("NIMBLE_BASE_URL", sim.baseUrl());
      workerEnv.put("NIMBLE_API_KEY", "cli-key");
      workerEnv.put("HTTP_PORT", "0");
      workerEnv.put("ADMIN_PORT", "0");
      workerEnv.put("TASK_EXPECTED_DURATION", "100ms");
      workerEnv.put("POLL_MIN_INTERVAL", "100ms");
      try (Worker worker =
          new Worker(
              ConfigLoader.load(workerEnv, Optional.empty()),
              new SimpleMeterRegistry(),
              Clock.systemUTC())) {
        worker.start();
        Path out = dir.resolve("crawl.jsonl");

        CliProcess.Run submit =
            CliProcess.run(
                env,
                dir,
                "submit",
                "--crawl",
                "https://links3.shop.example/",
                "--limit",
                "20",
                "--wait",
                "--pages",
                "-o",
                out.toString());

        assertThat(submit.exit()).as(submit.err()).isZero();
        List<JsonNode> records = lines(Files.readString(out));
        assertThat(records).as("20 pages, then the summary").hasSize(21);
        String id = records.get(20).path("request_id").asText();
        assertThat(id).startsWith("submit-");
        Set<Integer> indexes = new HashSet<>();
        for (JsonNode page : records.subList(0, 20)) {
          assertThat(page.path("record").asText()).isEqualTo("page");
          assertThat(page.path("request_id").asText()).isEqualTo(id);
          assertThat(page.path("url").asText()).startsWith("https://links3.shop.example/");
          indexes.add(page.path("page_index").asInt());
        }
        assertThat(indexes).as("each page once").hasSize(20);
        JsonNode summary = records.get(20);
        assertThat(summary.path("kind").asText()).isEqualTo("crawl");
        assertThat(summary.has("record")).isFalse();
        assertThat(summary.at("/result/pages/succeeded").asInt()).isEqualTo(20);
        assertThat(submit.err())
            .contains("submitted crawl request " + id + " of https://links3.shop.example/")
            .contains(" succeeded  20 pages: 20 succeeded, 0 failed, 0 not run  in ")
            .contains("1 result, 0 failures, 0 still pending");

        CliProcess.Run tail = CliProcess.run(env, dir, "tail", "--from-beginning", "--max", "1");
        assertThat(tail.exit()).as(tail.err()).isZero();
        List<String> tailed = tail.out().lines().toList();
        assertThat(tailed).as("the pages are printed; the summary is the one outcome").hasSize(21);
        assertThat(tailed.subList(0, 20))
            .allSatisfy(
                line ->
                    assertThat(line)
                        .containsPattern(
                            "  PAGE    "
                                + id
                                + "  #\\d+  succeeded  https://links3\\.shop\\.example/\\S*  \\d"));
        assertThat(tailed.get(20))
            .contains("  OK      " + id + "  crawl ")
            .contains(" succeeded  20 pages: 20 succeeded");

        // a crawl whose start page fails has failed: its page is counted, the summary printed
        CliProcess.Run failed =
            CliProcess.run(env, dir, "submit", "--crawl", "https://fail.example/", "--wait");
        assertThat(failed.exit()).as(failed.err()).isEqualTo(ExitCodes.REQUESTS_FAILED);
        assertThat(failed.out().lines()).as("without --pages, only the summary").hasSize(1);
        assertThat(JSON.readTree(failed.out()).at("/result/crawl_state").asText())
            .isEqualTo("failed");
        assertThat(failed.err()).contains(" failed  1 pages: 0 succeeded, 1 failed");
      }
    }
  }

  @Test
  @Timeout(60)
  void badCrawlOptionsAreRefusedBeforeAnythingIsSent(@TempDir Path dir) throws Exception {
    // no broker: nothing may be tried
    Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");

    CliProcess.Run limit =
        CliProcess.run(env, dir, "submit", "--crawl", "https://shop.example/", "--limit", "0");
    assertThat(limit.exit()).as(limit.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(limit.err()).contains("--limit: crawl.limit must be a whole number from 1 to 10000");

    CliProcess.Run both =
        CliProcess.run(env, dir, "submit", "urls.txt", "--crawl", "https://shop.example/");
    assertThat(both.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("give FILE or --crawl URL, not both");

    CliProcess.Run orphan = CliProcess.run(env, dir, "submit", "urls.txt", "--depth", "3");
    assertThat(orphan.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(orphan.err()).contains("--crawl URL");

    CliProcess.Run help = CliProcess.run(env, dir, "submit", "--help");
    assertThat(help.out())
        .contains("--crawl URL")
        .contains("--limit")
        .contains("--include")
        .contains("--pages")
        .contains("submit --crawl https://");
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
