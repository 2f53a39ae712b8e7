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
    Kafka.produceRequests(ctx.bootstrap(), topics.requests(), topics.prefix(), n);

    Timeline timeline = new Timeline();
    ThroughputRun.Stall stall = new ThroughputRun.Stall(Duration.ofSeconds(60));
    long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
    double inFlight = 0;
    long created = 0;
    while (true) {
      Prometheus metrics = worker.metrics();
      inFlight = metrics.sum("nimble_worker_tasks_in_flight");
      double queued = metrics.sum("nimble_worker_requests_queued");
      JsonNode stats = sim.stats();
      created = stats.path("tasks_created").asLong();
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
        result.incomplete(
            "reached "
                + (long) inFlight
                + " pending tasks ("
                + created
                + " created at the simulator) of "
                + n
                + "; worker alive: "
                + worker.process().alive()
                + "; evidence in "
                + result.logs);
        break;
      }
      Thread.sleep(1000);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpu = worker.process().cpuSeconds() - cpuAtStart;
    timeline.write(dir.resolve("timeline.csv"));
    if (!worker.process().alive()) {
      return;
    }
    Thread.sleep(3000); // the last state records committed, nothing else in flight
    long loaded = worker.heapAfterFullGc();
    JsonNode stats = sim.stats();
    Files.writeString(dir.resolve("sim-stats.json"), stats.toPrettyString());
    Files.writeString(dir.resolve("worker-metrics.txt"), worker.rawMetrics());

    long pending = (long) inFlight;
    result.put("requests", n);
    result.put("pending_tasks", pending);
    result.put("heap_loaded_mb", loaded / 1048576.0, 1);
    if (pending > 0) {
      double perTask = (loaded - idle) / (double) pending;
      result.put("heap_bytes_per_task", perTask, 0);
      result.put("heap_projected_100k_mb", (idle + perTask * 100_000) / 1048576.0, 1);
      result.put("heap_target_100k_mb", 256);
    }
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
  }
}
