package dev.nimblekafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * N requests through Kafka and one worker against a fresh simulator: produce them all at once, read
 * every outcome back, and weigh what it took.
 */
final class ThroughputRun {
  /** How long to keep reading after the last expected outcome, to catch late duplicates. */
  static final Duration LINGER = Duration.ofSeconds(2);

  private final Context ctx;
  private final Scenario scenario;
  private final Scenario.Variant variant;
  private final RunResult result;
  private final Path dir;

  ThroughputRun(Context ctx, Scenario scenario, Scenario.Variant variant) {
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
    int n = scenario.requests();
    Settings.describe(result, scenario, variant, topics);
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
        measure(sim, worker, outcomes, topics, n);
      }
      stopWorker(worker);
    } finally {
      Kafka.deleteTopics(ctx.bootstrap(), topics.all());
    }
    return result;
  }

  private void measure(
      Simulator sim, WorkerProcess worker, OutcomeCollector outcomes, Topics topics, int n)
      throws IOException, InterruptedException {
    Timeline timeline = new Timeline(dir.resolve("timeline.csv"));
    double cpuAtStart = worker.process().cpuSeconds();
    double simCpuAtStart = sim.process().cpuSeconds();
    double machineAtStart = MachineCpu.busySeconds();
    long startedAt = System.currentTimeMillis();
    Kafka.produceRequests(ctx.bootstrap(), topics.requests(), topics.prefix(), n);
    result.put("produce_s", (System.currentTimeMillis() - startedAt) / 1000.0, 2);

    Stall stall = new Stall(stallLimit());
    Duration timeout = timeout(n);
    boolean complete =
        outcomes.awaitUnique(
            n,
            timeout,
            () -> {
              sample(timeline, sim, worker, outcomes, cpuAtStart);
              stall.observe(outcomes.unique());
            },
            stall::stalled);
    double cpu = worker.process().cpuSeconds() - cpuAtStart;
    double simCpu = sim.process().cpuSeconds() - simCpuAtStart;
    double machine = MachineCpu.busySeconds() - machineAtStart;
    Thread.sleep(LINGER.toMillis());
    sample(timeline, sim, worker, outcomes, cpuAtStart);
    if (!complete) {
      String why =
          outcomes.failure() != null
              ? "reading outcomes failed: " + outcomes.failure()
              : stall.stalled()
                  ? "no new outcome for " + stall.limit().toSeconds() + " s"
                  : "not done within " + timeout.toSeconds() + " s";
      result.incomplete(
          why
              + " ("
              + outcomes.unique()
              + " of "
              + n
              + " outcomes; worker alive: "
              + worker.process().alive()
              + "); evidence in "
              + result.logs);
    }
    OutcomeCollector.Snapshot seen = outcomes.snapshot();
    JsonNode stats;
    try {
      stats = sim.stats();
    } catch (IOException e) {
      result.incomplete("the simulator's /sim/stats did not answer: " + e.getMessage());
      stats = Http.JSON.createObjectNode();
    }
    Files.writeString(dir.resolve("sim-stats.json"), stats.toPrettyString());
    String metrics = worker.process().alive() ? worker.rawMetrics() : "";
    Files.writeString(dir.resolve("worker-metrics.txt"), metrics);
    Figures.outcomes(result, seen, n, startedAt, scenario.sim(), stats);
    Figures.worker(result, cpu, seen, timeline, Prometheus.parse(metrics));
    Figures.machine(result, cpu, simCpu, machine);
  }

  private void sample(
      Timeline timeline,
      Simulator sim,
      WorkerProcess worker,
      OutcomeCollector outcomes,
      double cpuAtStart) {
    double inFlight = Double.NaN;
    double queued = Double.NaN;
    long running = -1;
    long simQueued = -1;
    long created = -1;
    try {
      Prometheus metrics = worker.metrics();
      inFlight = metrics.sum("nimble_worker_tasks_in_flight");
      queued = metrics.sum("nimble_worker_requests_queued");
    } catch (IOException | RuntimeException unreachable) {
      // the worker is not answering; the row shows it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      JsonNode stats = sim.stats();
      running = stats.path("running_now").asLong();
      simQueued = stats.path("queued_now").asLong();
      created = stats.path("tasks_created").asLong();
    } catch (IOException | RuntimeException unreachable) {
      // likewise
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timeline.add(
        outcomes.unique(),
        worker.process().cpuSeconds() - cpuAtStart,
        inFlight,
        queued,
        running,
        simQueued,
        created);
  }

  private void stopWorker(WorkerProcess worker) throws InterruptedException {
    long started = System.nanoTime();
    int exit = worker.stop(Duration.ofSeconds(60));
    result.put("worker_exit_code", exit);
    result.put("worker_stop_s", (System.nanoTime() - started) / 1e9, 1);
    if (exit != 0) {
      result.notes.add("the worker exited with " + exit + " after SIGTERM");
    }
    try {
      GcLog gc = worker.gcLog();
      result.put("worker_gc_pauses", gc.collections());
      result.put("worker_heap_peak_mb", gc.peakBeforeBytes() / 1048576.0, 1);
      result.put("worker_heap_peak_after_gc_mb", gc.peakAfterBytes() / 1048576.0, 1);
      result.put("worker_heap_committed_peak_mb", gc.peakCommittedBytes() / 1048576.0, 1);
    } catch (IOException e) {
      result.notes.add("no GC log: " + e.getMessage());
    }
  }

  /** Without a new outcome for this long, the run is called stalled. */
  private Duration stallLimit() {
    long d = scenario.sim().meanDuration().toSeconds();
    return Duration.ofSeconds(Math.max(60, 3 * d + 30));
  }

  /** Three times the ideal duration, at least two minutes. */
  private Duration timeout(int n) {
    double limit = Math.min(scenario.sim().concurrencyLimit(), 200.0);
    double ideal = scenario.sim().meanDuration().toSeconds() + n / limit;
    return Duration.ofSeconds((long) Math.max(120, 3 * ideal));
  }

  /** Progress watch: stalled when the count has not moved for {@code limit}. */
  static final class Stall {
    private final Duration limit;
    private long last = -1;
    private long since = System.nanoTime();

    Stall(Duration limit) {
      this.limit = limit;
    }

    void observe(long count) {
      if (count != last) {
        last = count;
        since = System.nanoTime();
      }
    }

    boolean stalled() {
      return System.nanoTime() - since > limit.toNanos();
    }

    Duration limit() {
      return limit;
    }
  }
}
