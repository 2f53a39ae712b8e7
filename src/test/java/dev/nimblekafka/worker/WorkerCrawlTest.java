package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.sim.DurationDistribution;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.sim.SimStats;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A crawl on a real broker, against the simulator over HTTP: every page the crawl ran is published
 * once, across workers killed mid-crawl, then one summary; the crawl is created once.
 */
@RealKafka
class WorkerCrawlTest {
  private static final int PAGES = 120;

  private static SimConfig simConfig() {
    return SimConfig.builder()
        .port(0)
        .apiKey(WorkerHarness.API_KEY)
        .maxConcurrentTasks(10)
        .requestsPerSecond(5_000)
        .taskDuration(DurationDistribution.uniform(Duration.ofMillis(50), Duration.ofMillis(400)))
        .build();
  }

  private static String crawl(String id) {
    return "{\"request_id\":\""
        + id
        + "\",\"crawl\":{\"url\":\"https://links4.shop.example/\",\"limit\":"
        + PAGES
        + ",\"max_discovery_depth\":6},\"metadata\":{\"team\":\"catalogue\"}}";
  }

  @Test
  @Timeout(180)
  void everyPageIsPublishedOnceAcrossKilledWorkersThenOneSummary(KafkaBroker broker)
      throws Exception {
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig());
        WorkerHarness harness =
            new WorkerHarness(
                broker,
                sim,
                2,
                Map.of("KAFKA_SESSION_TIMEOUT_MS", "6000", "TRANSACTION_TIMEOUT", "5s"))) {
      harness.produce(List.of(crawl("crawl-1")));
      Worker worker = harness.startWorker("crawl-a");
      int seen = 0;
      for (int crash = 0; crash < 2; crash++) {
        seen += 25;
        harness.awaitOutcomes(seen, Duration.ofSeconds(60), Duration.ZERO);
        worker.halt();
        worker = harness.startWorker(crash == 0 ? "crawl-b" : "crawl-a");
      }
      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(PAGES + 1, Duration.ofSeconds(120), Duration.ofSeconds(3));

      Map<String, Integer> pagesByTask = new HashMap<>();
      int summaries = 0;
      for (WorkerHarness.Outcome outcome : outcomes) {
        assertThat(outcome.topic()).isEqualTo(harness.results);
        assertThat(outcome.key()).as("one crawl, one key, one partition").isEqualTo("crawl-1");
        if (outcome.value().path("record").asText().equals("page")) {
          pagesByTask.merge(outcome.value().get("task_id").asText(), 1, Integer::sum);
          assertThat(outcome.value().path("metadata").path("team").asText()).isEqualTo("catalogue");
        } else {
          summaries++;
          assertThat(outcome.value().at("/result/crawl_state").asText()).isEqualTo("succeeded");
          assertThat(outcome.value().at("/result/pages/succeeded").asInt()).isEqualTo(PAGES);
        }
      }
      assertThat(pagesByTask).hasSize(PAGES);
      assertThat(pagesByTask.values()).as("no page published twice").allMatch(n -> n == 1);
      assertThat(summaries).isEqualTo(1);
      SimStats.Crawls crawls = sim.stats().crawls();
      assertThat(crawls.created()).as("the crawl was created once").isEqualTo(1);
      assertThat(crawls.pagesCompleted()).isEqualTo(PAGES);
    }
  }
}
