package dev.nimblekafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * One crawl request of N pages through Kafka and one worker against a fresh simulator: every page
 * record and the summary read back, and what the pages cost in Nimble calls. The site is the
 * simulator's synthetic {@link #SITE}, 8 links a page, deep enough for 10,000 pages.
 */
final class CrawlRun {
  /** The crawl's start page: 8 links a page, no sitemap pages. */
  static final String SITE = "https://links8.sitemap0.bench.example/";

  /** Deep enough for any limit: 8^5 pages at depth 5 alone. */
  static final int DEPTH = 6;

  private final Context ctx;
  private final Scenario scenario;
  private final Scenario.Variant variant;
  private final RunResult result;
  private final Path dir;

  CrawlRun(Context ctx, Scenario scenario, Scenario.Variant variant) {
    this.ctx = ctx;
    this.scenario = scenario;
    this.variant = variant;
    this.result = new RunResult(scenario, variant);
    this.dir = ctx.dir(scenario, variant);
  }

  RunResult run() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    result.logs = ctx.root().relativize(dir.toAbsolutePath()).toString();
    Topics topics = ctx.topics(scenario, variant);
    int pages = scenario.requests();
    Settings.describe(result, scenario, variant, topics);
    result.settings.put("crawl_pages", pages);
    result.settings.put("crawl_site", SITE);
    try (Simulator sim = Simulator.start(ctx.jar(), scenario.sim(), dir);
        WorkerProcess worker =
            WorkerProcess.start(
                ctx.jar(),
                ctx.bootstrap(),
                sim.baseUrl(),
                topics,
                variant.heap(),
                variant.env(),
                dir)) {
      result.settings.put("worker_env", variant.sortedEnv());
      if (!worker.awaitReady(Duration.ofSeconds(120))) {
        result.error("the worker did not become ready within 120 s; see " + worker.process().log());
        return result;
      }
      try (OutcomeCollector outcomes = new OutcomeCollector(ctx.bootstrap(), topics).start()) {
        measure(sim, worker, outcomes, topics, pages);
      }
      int exit = worker.stop(Duration.ofSeconds(60));
      result.put("worker_exit_code", exit);
      if (exit != 0) {
        result.notes.add("the worker exited with " + exit + " after SIGTERM");
      }
    } finally {
      Kafka.deleteTopics(ctx.bootstrap(), topics.all());
    }
    return result;
  }

  private void measure(
      Simulator sim, WorkerProcess worker, OutcomeCollector outcomes, Topics topics, int pages)
      throws IOException, InterruptedException {
    double cpuAtStart = worker.process().cpuSeconds();
    long startedAt = System.currentTimeMillis();
    String id = topics.prefix() + "-crawl";
    Kafka.produce(
        ctx.bootstrap(),
        topics.requests(),
        id,
        "{\"request_id\":\"%s\",\"crawl\":{\"url\":\"%s\",\"limit\":%d,\"max_discovery_depth\":%d}}"
            .formatted(id, SITE, pages, DEPTH));
    ThroughputRun.Stall stall = new ThroughputRun.Stall(Duration.ofSeconds(90));
    Duration timeout = timeout(pages);
    boolean complete =
        outcomes.awaitUnique(
            1,
            timeout,
            () -> stall.observe(outcomes.pageRecords() + (long) outcomes.unique()),
            () -> stall.stalled() || !worker.process().alive());
    double cpu = worker.process().cpuSeconds() - cpuAtStart;
    Thread.sleep(ThroughputRun.LINGER.toMillis()); // late duplicates
    if (!complete) {
      result.incomplete(
          "no summary: "
              + (outcomes.failure() != null
                  ? "reading outcomes failed: " + outcomes.failure()
                  : !worker.process().alive()
                      ? worker.deathNote()
                      : stall.stalled()
                          ? "no new page record for " + stall.limit().toSeconds() + " s"
                          : "not done within " + timeout.toSeconds() + " s")
              + " ("
              + outcomes.distinctPages()
              + " of "
              + pages
              + " pages); evidence in "
              + result.logs);
    }
    JsonNode stats = sim.stats();
    Files.writeString(dir.resolve("sim-stats.json"), stats.toPrettyString());
    Files.writeString(dir.resolve("worker-metrics.txt"), worker.rawMetrics());

    int distinct = outcomes.distinctPages();
    long calls = Simulator.totalCalls(stats);
    result.put("pages", distinct);
    result.put("pages_missing", Math.max(0, pages - distinct));
    result.put("page_records", outcomes.pageRecords());
    result.put("duplicate_page_records", outcomes.pageRecords() - distinct);
    result.put("duplicate_outcomes", outcomes.snapshot().duplicates());
    result.put("failures", outcomes.snapshot().failures());
    result.put("crawls_created", stats.path("crawls_created").asLong());
    result.put("crawl_pages_created", stats.path("crawl_pages_created").asLong());
    result.put("crawl_pages_completed", stats.path("crawl_pages_completed").asLong());
    result.put("duplicate_inputs_live", stats.path("duplicate_inputs_live").asLong());
    result.put("api_calls", calls);
    result.put("api_calls_by_endpoint", Simulator.callsByEndpoint(stats));
    result.put("calls_per_page", distinct == 0 ? Double.NaN : calls / (double) distinct, 3);
    result.put("http_429", Simulator.callsWithStatus(stats, "429"));
    result.put("slot_use", stats.path("slot_use").asDouble(Double.NaN), 3);
    result.put("limit_per_s", scenario.sim().concurrencyLimit(), 1);
    result.put("worker_cpu_s", cpu, 2);
    List<OutcomeCollector.CrawlSummary> summaries = outcomes.crawlSummaries();
    result.put("summaries", summaries.size());
    if (summaries.isEmpty()) {
      return;
    }
    OutcomeCollector.CrawlSummary summary = summaries.get(0);
    result.put("summary_pages_succeeded", summary.pagesSucceeded());
    double seconds = (summary.readAt() - startedAt) / 1000.0;
    result.put("crawl_s", seconds, 1);
    result.put("pages_per_s", distinct / seconds, 1);
    // read after the stats, so that this call is not among the worker's
    Instant ended = crawlEnded(sim, summary.crawlId());
    if (ended == null) {
      result.notes.add("the crawl's completed_at could not be read from the simulator");
      return;
    }
    result.put("crawl_end_to_summary_published_ms", summary.publishedAt() - ended.toEpochMilli());
    result.put("crawl_end_to_summary_read_ms", summary.readAt() - ended.toEpochMilli());
  }

  /** When the simulator ended the crawl ({@code completed_at}); null when it does not say. */
  private static Instant crawlEnded(Simulator sim, String crawlId) throws InterruptedException {
    if (crawlId == null) {
      return null;
    }
    try {
      JsonNode crawl = Http.getJson(sim.baseUrl() + "/v1/crawl/" + crawlId, Simulator.API_KEY);
      return Instant.parse(crawl.path("completed_at").asText());
    } catch (IOException | DateTimeParseException e) {
      return null;
    }
  }

  /** Three times the ideal time at the plan's C/D, at least three minutes. */
  private Duration timeout(int pages) {
    double ideal = pages / scenario.sim().concurrencyLimit();
    return Duration.ofSeconds((long) Math.max(180, 3 * ideal));
  }
}
