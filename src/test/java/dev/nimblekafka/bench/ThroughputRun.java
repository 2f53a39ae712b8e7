package dev.nimblekafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * N requests through Kafka and one worker (or a fleet of worker pods in one consumer group, all on
 * the same simulator key) against a fresh simulator: produce them all at once, read every outcome
 * back, and weigh what it took. With several pods, CPU is summed over the pods, the gauges are
 * summed, the heap peak is the largest pod's, and each pod keeps its own logs in {@code pod-<i>/}.
 */
final class ThroughputRun {
  /** How long to keep reading after the last expected outcome, to catch late duplicates. */
  static final Duration LINGER = Duration.ofSeconds(2);

  /** How long a fleet may take to settle into one stable assignment of every partition. */
  static final Duration SETTLE = Duration.ofSeconds(90);

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

  /** Where pod {@code i} (from 1) keeps its logs: the run's folder for a single pod. */
  private Path podDir(int i) {
    return variant.fleet().pods() == 1 ? dir : dir.resolve("pod-" + i);
  }

  RunResult run() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    result.logs = ctx.root().relativize(dir.toAbsolutePath()).toString();
    Topics topics = ctx.topics(scenario, variant);
    int n = variant.requests(scenario.requests());
    Scenario.Fleet fleet = variant.fleet();
    Settings.describe(result, scenario, variant, topics);
    result.settings.put("requests", n);
    if (variant.workload() != null) {
      result.settings.put("workload", variant.workload().describe());
    }
    try (Simulator sim = Simulator.start(ctx.jar(), scenario.sim(), dir);
        Pods pods = new Pods()) {
      if (fleet.partitions() > 0) {
        int made = Kafka.createTopic(ctx.bootstrap(), topics.requests(), fleet.partitions());
        result.settings.put("request_partitions", made);
      }
      for (int i = 1; i <= fleet.pods(); i++) {
        pods.add(
            WorkerProcess.start(
                ctx.jar(),
                ctx.bootstrap(),
                sim.baseUrl(),
                topics,
                variant.heap(),
                variant.env(),
                podDir(i),
                i));
      }
      result.settings.put("worker_env", variant.sortedEnv());
      Duration readyWithin = Duration.ofSeconds(120 + 30L * (fleet.pods() - 1));
      long readyDeadline = System.nanoTime() + readyWithin.toNanos();
      for (WorkerProcess worker : pods.all()) {
        Duration left = Duration.ofNanos(Math.max(0, readyDeadline - System.nanoTime()));
        if (!worker.awaitReady(left)) {
          result.error(
              "a worker did not become ready within "
                  + readyWithin.toSeconds()
                  + " s; see "
                  + worker.process().log());
          return result;
        }
      }
      if (fleet.pods() > 1) {
        awaitSettled(topics, fleet.pods());
      }
      boolean warm = variant.warmup() > 0;
      if (warm && !warmUp(sim, topics, variant.warmup())) {
        return result;
      }
      try (OutcomeCollector outcomes =
          new OutcomeCollector(ctx.bootstrap(), topics, warm).start()) {
        measure(sim, pods, outcomes, topics, n);
      }
      stopWorkers(pods);
    } finally {
      Kafka.deleteTopics(ctx.bootstrap(), topics.all());
    }
    return result;
  }

  /**
   * Runs {@code requests} requests of warm-up through the pods and waits for their outcomes, then
   * zeroes the simulator's counters: the run is weighed from here. False (the result says why) when
   * the warm-up's outcomes do not all arrive.
   */
  private boolean warmUp(Simulator sim, Topics topics, int requests)
      throws IOException, InterruptedException {
    try (OutcomeCollector warm = new OutcomeCollector(ctx.bootstrap(), topics).start()) {
      Kafka.produceRequests(
          ctx.bootstrap(),
          topics.requests(),
          topics.prefix() + "-warmup",
          requests,
          variant.fleet().sameKey());
      if (!warm.awaitUnique(requests, timeout(requests), () -> {}, () -> false)) {
        result.error(
            "the warm-up's "
                + requests
                + " outcomes did not all arrive ("
                + warm.unique()
                + "); see "
                + result.logs);
        return false;
      }
    }
    sim.reset();
    result.settings.put("warmup_requests", requests);
    return true;
  }

  /**
   * Waits until the group is stable with every pod holding at least one partition of the requests
   * topic, so the requests are not produced into a rebalance; records who holds what.
   */
  private void awaitSettled(Topics topics, int pods) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    Map<String, List<Integer>> last = null;
    while (System.nanoTime() < deadline) {
      last = Kafka.stableAssignment(ctx.bootstrap(), topics.group(), topics.requests());
      if (last != null && last.size() == pods && last.values().stream().noneMatch(List::isEmpty)) {
        result.settings.put("request_partitions_by_pod", last);
        return;
      }
      Thread.sleep(500);
    }
    result.settings.put("request_partitions_by_pod", last);
    result.notes.add(
        "the "
            + pods
            + " pods did not settle into a stable assignment within "
            + SETTLE.toSeconds()
            + " s (last seen: "
            + last
            + "); requests produced anyway");
  }

  /** The CPU counters when the requests started to go: the run's costs are counted from here. */
  private record Start(double[] cpu, double simCpu, double machine) {}

  private void measure(Simulator sim, Pods pods, OutcomeCollector outcomes, Topics topics, int n)
      throws IOException, InterruptedException {
    Start start =
        new Start(pods.cpuSeconds(), sim.process().cpuSeconds(), MachineCpu.busySeconds());
    long startedAt = System.currentTimeMillis();
    if (variant.workload() != null) {
      try (WorkloadProducer workload =
          new WorkloadProducer(
              ctx.bootstrap(),
              topics.requests(),
              topics.prefix(),
              variant.workload(),
              variant.fleet().sameKey())) {
        measure(sim, pods, outcomes, topics, n, start, workload.start().startedAt(), workload);
      }
      return;
    }
    Kafka.produceRequests(
        ctx.bootstrap(), topics.requests(), topics.prefix(), n, variant.fleet().sameKey());
    result.put("produce_s", (System.currentTimeMillis() - startedAt) / 1000.0, 2);
    measure(sim, pods, outcomes, topics, n, start, startedAt, null);
  }

  /**
   * Waits for every outcome (or a stall, or the timeout) of the requests produced from {@code
   * startedAt}, then weighs the run; with a workload, per tenant and priority too.
   */
  private void measure(
      Simulator sim,
      Pods pods,
      OutcomeCollector outcomes,
      Topics topics,
      int n,
      Start start,
      long startedAt,
      WorkloadProducer workload)
      throws IOException, InterruptedException {
    Timeline timeline = new Timeline(dir.resolve("timeline.csv"));
    double[] cpuAtStart = start.cpu();
    double simCpuAtStart = start.simCpu();
    double machineAtStart = start.machine();

    Stall stall = new Stall(stallLimit());
    Duration timeout = timeout(n);
    boolean complete =
        outcomes.awaitUnique(
            n,
            timeout,
            () -> {
              sample(timeline, sim, pods, outcomes, cpuAtStart);
              stall.observe(outcomes.unique());
            },
            stall::stalled);
    double[] cpuByPod = minus(pods.cpuSeconds(), cpuAtStart);
    double cpu = Arrays.stream(cpuByPod).sum();
    double simCpu = sim.process().cpuSeconds() - simCpuAtStart;
    double machine = MachineCpu.busySeconds() - machineAtStart;
    Thread.sleep(LINGER.toMillis());
    sample(timeline, sim, pods, outcomes, cpuAtStart);
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
              + " outcomes; workers alive: "
              + pods.alive()
              + " of "
              + pods.all().size()
              + "); evidence in "
              + result.logs);
    }
    OutcomeCollector.Snapshot seen = outcomes.snapshot();
    // in the order the results arrived: where in the run the slow ones were
    Files.write(
        dir.resolve("finish-to-published-ms.txt"),
        seen.finishToPublishedMillis().stream().map(String::valueOf).toList());
    if (workload != null) {
      if (workload.failure() != null) {
        result.incomplete("producing the workload failed: " + workload.failure());
      }
      TenantFigures.record(
          result, variant.workload(), workload.sent(), outcomes.firstSeen(), outcomes.placements());
    }
    JsonNode stats;
    try {
      stats = sim.stats();
    } catch (IOException e) {
      result.incomplete("the simulator's /sim/stats did not answer: " + e.getMessage());
      stats = Http.JSON.createObjectNode();
    }
    Files.writeString(dir.resolve("sim-stats.json"), stats.toPrettyString());
    StringBuilder allMetrics = new StringBuilder();
    List<Long> outcomesByPod = new ArrayList<>();
    for (int i = 0; i < pods.all().size(); i++) {
      WorkerProcess worker = pods.all().get(i);
      String metrics = worker.process().alive() ? worker.rawMetrics() : "";
      Files.writeString(podDir(i + 1).resolve("worker-metrics.txt"), metrics);
      allMetrics.append(metrics).append('\n');
      outcomesByPod.add(Math.round(Prometheus.parse(metrics).sum("nimble_worker_outcomes_total")));
    }
    Figures.outcomes(result, seen, n, startedAt, scenario.sim(), stats);
    // every pod's samples in one text: the sums below are over the fleet
    Figures.worker(result, cpu, seen, timeline, Prometheus.parse(allMetrics.toString()));
    Figures.machine(result, cpu, simCpu, machine);
    result.put("pods", pods.all().size());
    result.put("requests_by_partition", Kafka.endOffsets(ctx.bootstrap(), topics.requests()));
    if (pods.all().size() > 1) {
      result.put(
          "worker_cpu_s_by_pod",
          Arrays.stream(cpuByPod).map(c -> Stats.round(c, 2)).boxed().toList());
      result.put("outcomes_by_pod", outcomesByPod);
    }
  }

  private static double[] minus(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  private void sample(
      Timeline timeline, Simulator sim, Pods pods, OutcomeCollector outcomes, double[] cpuAtStart) {
    double inFlight = 0;
    double queued = 0;
    boolean answered = false;
    for (WorkerProcess worker : pods.all()) {
      try {
        Prometheus metrics = worker.metrics();
        inFlight += metrics.sum("nimble_worker_tasks_in_flight");
        queued += metrics.sum("nimble_worker_requests_queued");
        answered = true;
      } catch (IOException | RuntimeException unreachable) {
        // a worker is not answering; the row shows it (NaN when none answers)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long running = -1;
    long simQueued = -1;
    long created = -1;
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
        Arrays.stream(minus(pods.cpuSeconds(), cpuAtStart)).sum(),
        answered ? inFlight : Double.NaN,
        answered ? queued : Double.NaN,
        running,
        simQueued,
        created);
  }

  /** SIGTERM to every pod at once (each drains), then their exit codes and GC logs. */
  private void stopWorkers(Pods pods) throws InterruptedException {
    long started = System.nanoTime();
    List<Integer> exits = pods.stopAll(Duration.ofSeconds(60));
    result.put("worker_stop_s", (System.nanoTime() - started) / 1e9, 1);
    int exit = exits.stream().filter(e -> e != 0).findFirst().orElse(0);
    result.put("worker_exit_code", exit);
    if (exits.size() > 1) {
      result.put("worker_exit_codes", exits);
    }
    for (int i = 0; i < exits.size(); i++) {
      if (exits.get(i) != 0) {
        result.notes.add(
            (exits.size() > 1 ? "pod " + (i + 1) + ": " : "")
                + "the worker exited with "
                + exits.get(i)
                + " after SIGTERM");
      }
    }
    long gcPauses = 0;
    long peakBefore = 0;
    long peakAfter = 0;
    long peakCommitted = 0;
    for (WorkerProcess worker : pods.all()) {
      try {
        GcLog gc = worker.gcLog();
        gcPauses += gc.collections();
        peakBefore = Math.max(peakBefore, gc.peakBeforeBytes());
        peakAfter = Math.max(peakAfter, gc.peakAfterBytes());
        peakCommitted = Math.max(peakCommitted, gc.peakCommittedBytes());
      } catch (IOException e) {
        result.notes.add("no GC log: " + e.getMessage());
      }
    }
    result.put("worker_gc_pauses", gcPauses);
    result.put("worker_heap_peak_mb", peakBefore / 1048576.0, 1);
    result.put("worker_heap_peak_after_gc_mb", peakAfter / 1048576.0, 1);
    result.put("worker_heap_committed_peak_mb", peakCommitted / 1048576.0, 1);
  }

  /** The run's worker processes; closing them stops any still running. */
  static final class Pods implements AutoCloseable {
    private final List<WorkerProcess> workers = new ArrayList<>();

    void add(WorkerProcess worker) {
      workers.add(worker);
    }

    List<WorkerProcess> all() {
      return workers;
    }

    double[] cpuSeconds() {
      return workers.stream().mapToDouble(w -> w.process().cpuSeconds()).toArray();
    }

    long alive() {
      return workers.stream().filter(w -> w.process().alive()).count();
    }

    /** Stops them all at once, each with {@code grace}; their exit codes in order. */
    List<Integer> stopAll(Duration grace) throws InterruptedException {
      List<CompletableFuture<Integer>> stops = new ArrayList<>();
      for (WorkerProcess w : workers) {
        stops.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return w.stop(grace);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                  }
                }));
      }
      List<Integer> exits = new ArrayList<>();
      for (CompletableFuture<Integer> stop : stops) {
        try {
          exits.add(stop.get());
        } catch (ExecutionException e) {
          exits.add(-1);
        }
      }
      return exits;
    }

    @Override
    public void close() throws InterruptedException {
      for (WorkerProcess w : workers) {
        w.close();
      }
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
