package dev.nimblekafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Holds N tasks pending in one worker (long tasks, no poll due) and weighs the heap after a full GC
 * ({@code jcmd <pid> GC.run}, then {@code GC.heap_info}) with none pending and with all N.
 */
final class HeapRun {
  private final Context ctx;
  private final Scenario scenario;
  private final Scenario.Variant variant;
  private final RunResult result;
  private final Path dir;

  HeapRun(Context ctx, Scenario scenario, Scenario.Variant variant) {
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
      if (!worker.awaitReady(Duration.ofSeconds(120))) {
        result.error("the worker did not become ready within 120 s; see " + worker.process().log());
        return result;
      }
      measure(sim, worker, topics, n);
      int exit = worker.stop(Duration.ofSeconds(60));
      result.put("worker_exit_code", exit);
      heapFigures(worker);
    } finally {
      Kafka.deleteTopics(ctx.bootstrap(), topics.all());
    }
    return result;
  }

  private void measure(Simulator sim, WorkerProcess worker, Topics topics, int n)
      throws IOException, InterruptedException {
    Thread.sleep(3000); // let start-up work settle
    long idle = worker.heapAfterFullGc();
    result.put("heap_idle_mb", idle / 1048576.0, 1);
    double cpuAtStart = worker.process().cpuSeconds();
    long started = System.nanoTime();
    int step = variant.produceStep() > 0 ? variant.produceStep() : n;
    result.settings.put("produce_step", step);
    int produced = 0;

    Timeline timeline = new Timeline(dir.resolve("timeline.csv"));
    ThroughputRun.Stall stall = new ThroughputRun.Stall(Duration.ofSeconds(60));
    long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
    double inFlight = 0;
    long created = 0;
    JsonNode stats = Http.JSON.createObjectNode();
    while (true) {
      if (produced < n && created >= produced) {
        int count = Math.min(step, n - produced);
        Kafka.produceRequests(
            ctx.bootstrap(), topics.requests(), topics.prefix() + "-" + produced, count);
        produced += count;
      }
      stats = statsOr(sim, stats);
      created = stats.path("tasks_created").asLong();
      double queued = Double.NaN;
      try {
        Prometheus metrics = worker.metrics();
        inFlight = metrics.sum("nimble_worker_tasks_in_flight");
        queued = metrics.sum("nimble_worker_requests_queued");
      } catch (IOException unreachable) {
        // the worker is gone or not answering: the checks below say which
      }
      timeline.add(
          0,
          worker.process().cpuSeconds() - cpuAtStart,
          inFlight,
          queued,
          stats.path("running_now").asLong(),
          stats.path("queued_now").asLong(),
          created);
      stall.observe(created);
      if (inFlight >= n && created >= n) {
        break;
      }
      if (stall.stalled() || System.nanoTime() > deadline || !worker.process().alive()) {
        Thread.sleep(500); // let a dying JVM finish writing its log
        result.incomplete(
            "reached "
                + (long) inFlight
                + " pending tasks ("
                + created
                + " created at the simulator) of "
                + n
                + (worker.process().alive() ? "" : "; " + worker.deathNote())
                + "; evidence in "
                + result.logs);
        break;
      }
      Thread.sleep(1000);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpu = worker.process().cpuSeconds() - cpuAtStart;
    stats = statsOr(sim, stats);
    Files.writeString(dir.resolve("sim-stats.json"), stats.toPrettyString());
    result.put("requests", n);
    result.put("fill_s", seconds, 1);
    result.put("submissions_per_s", created / seconds, 0);
    result.put("worker_cpu_s", cpu, 2);
    long calls = Simulator.totalCalls(stats);
    result.put("tasks_created", stats.path("tasks_created").asLong());
    result.put("api_calls", calls);
    result.put("api_calls_by_endpoint", Simulator.callsByEndpoint(stats));
    result.put("calls_per_task", created == 0 ? Double.NaN : calls / (double) created, 2);
    result.put("http_429", Simulator.callsWithStatus(stats, "429"));
    result.put("duplicate_inputs_live", stats.path("duplicate_inputs_live").asLong());
    result.put("sim_running_peak", stats.path("running_peak").asLong());
    heapFigures(worker);
    if (!worker.process().alive() || result.status != RunResult.Status.OK) {
      return; // a worker that never held N tasks (or died) is not weighed
    }
    Thread.sleep(3000); // the last state records committed, nothing else in flight
    long loaded = worker.heapAfterFullGc();
    Files.writeString(dir.resolve("worker-metrics.txt"), worker.rawMetrics());
    long pending = (long) worker.metrics().sum("nimble_worker_tasks_in_flight");
    result.put("pending_tasks", pending);
    result.put("heap_loaded_mb", loaded / 1048576.0, 1);
    if (pending > 0) {
      double perTask = (loaded - idle) / (double) pending;
      result.put("heap_bytes_per_task", perTask, 0);
      result.put("heap_projected_100k_mb", (idle + perTask * 100_000) / 1048576.0, 1);
    }
  }

  /** The simulator's counters, or {@code last} when it does not answer (noted once). */
  private JsonNode statsOr(Simulator sim, JsonNode last) throws InterruptedException {
    try {
      return sim.stats();
    } catch (IOException e) {
      String note = "the simulator's /sim/stats did not answer (" + e.getMessage() + ")";
      if (!result.notes.contains(note)) {
        result.notes.add(note);
      }
      return last;
    }
  }

  private void heapFigures(WorkerProcess worker) {
    try {
      GcLog gc = worker.gcLog();
      result.put("worker_heap_peak_mb", gc.peakBeforeBytes() / 1048576.0, 1);
      result.put("worker_heap_peak_after_gc_mb", gc.peakAfterBytes() / 1048576.0, 1);
    } catch (IOException e) {
      result.notes.add("no GC log: " + e.getMessage());
    }
  }
}
