package dev.nimblekafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client loop Nimble recommends, with no Kafka and no worker: submit a batch of 100 tasks
 * ({@code POST /v1/extract/async} each), pause 10 s, submit the next; every 5 s check every task
 * not yet finished ({@code GET /v1/tasks/{id}}) and fetch the results of each completed one. Its
 * calls are spaced evenly at the key's rate (the simulator's {@code --qps}), as a careful client of
 * a rate-limited key would, so that it is compared at its best, not at its bursts' 429s. It gives
 * the same figures as a worker run, so the two can be compared row by row.
 */
final class BaselineRun {
  static final int BATCH = 100;
  static final Duration BATCH_PAUSE = Duration.ofSeconds(10);
  static final Duration POLL_EVERY = Duration.ofSeconds(5);
  private static final int MAX_CONCURRENT_CALLS = 64;

  private final Context ctx;
  private final Scenario scenario;
  private final Scenario.Variant variant;
  private final RunResult result;
  private final Path dir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Semaphore inFlight = new Semaphore(MAX_CONCURRENT_CALLS);

  private final Map<String, Integer> pending = new ConcurrentHashMap<>();
  private final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> finishToRead = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Integer> failureCodes = new ConcurrentHashMap<>();
  private final Map<String, Boolean> done = new ConcurrentHashMap<>();
  private final AtomicLong transportErrors = new AtomicLong();
  private String base;
  private final Object pace = new Object();
  private long nextCallAt = Long.MIN_VALUE;

  BaselineRun(Context ctx, Scenario scenario, Scenario.Variant variant) {
    this.ctx = ctx;
    this.scenario = scenario;
    this.variant = variant;
    this.result = new RunResult(scenario, variant);
    this.dir = ctx.dir(scenario, variant);
  }

  RunResult run() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    result.logs = ctx.root().relativize(dir.toAbsolutePath()).toString();
    Settings.describe(result, scenario, variant, null);
    result.settings.put(
        "loop",
        "batches of "
            + BATCH
            + " async submissions "
            + BATCH_PAUSE.toSeconds()
            + " s apart; every unfinished task checked every "
            + POLL_EVERY.toSeconds()
            + " s");
    int n = scenario.requests();
    try (Simulator sim = Simulator.start(ctx.jar(), scenario.sim(), dir)) {
      base = sim.baseUrl();
      // the loop runs in this driver's JVM, which does nothing else meanwhile: its CPU is the
      // loop's
      long self = ProcessHandle.current().pid();
      double cpuAtStart = JavaProcess.cpuSecondsOf(self);
      double simCpuAtStart = sim.process().cpuSeconds();
      double machineAtStart = MachineCpu.busySeconds();
      long startedAt = System.currentTimeMillis();
      boolean complete = loop(n);
      double cpu = JavaProcess.cpuSecondsOf(self) - cpuAtStart;
      double simCpu = sim.process().cpuSeconds() - simCpuAtStart;
      double machine = MachineCpu.busySeconds() - machineAtStart;
      if (!complete) {
        result.incomplete(done.size() + " of " + n + " tasks finished in time");
      }
      JsonNode stats = sim.stats();
      Files.writeString(dir.resolve("sim-stats.json"), stats.toPrettyString());
      int failures = failureCodes.values().stream().mapToInt(Integer::intValue).sum();
      OutcomeCollector.Snapshot seen =
          new OutcomeCollector.Snapshot(
              done.size() - failures,
              failures,
              0,
              0,
              Map.copyOf(failureCodes),
              List.copyOf(arrivals),
              List.of(),
              List.copyOf(finishToRead));
      Figures.outcomes(result, seen, n, startedAt, scenario.sim(), stats);
      int lost =
          failureCodes.entrySet().stream()
              .filter(e -> e.getKey().startsWith("SUBMIT_"))
              .mapToInt(Map.Entry::getValue)
              .sum();
      result.put("requests_lost", lost);
      if (lost > 0) {
        result.notes.add(
            lost
                + " of "
                + n
                + " submissions were refused ("
                + new java.util.TreeMap<>(failureCodes)
                + ") and not made again: the loop has no retry; its throughput is over the"
                + " results it delivered");
      }
      result.put("transport_errors", transportErrors.get());
      result.put("client_cpu_s", cpu, 2);
      result.put("outcomes_per_client_cpu_s", done.size() / cpu, 0);
      Figures.machine(result, cpu, simCpu, machine);
    }
    return result;
  }

  private boolean loop(int n) throws InterruptedException {
    long deadline = System.nanoTime() + timeout(scenario.sim(), n).toNanos();
    int submitted = 0;
    long nextBatch = System.nanoTime();
    long nextPoll = System.nanoTime() + POLL_EVERY.toNanos();
    while (done.size() < n) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      if (submitted < n && System.nanoTime() >= nextBatch) {
        int count = Math.min(BATCH, n - submitted);
        submitBatch(submitted, count);
        submitted += count;
        nextBatch = System.nanoTime() + BATCH_PAUSE.toNanos();
      }
      if (System.nanoTime() >= nextPoll) {
        pollAll();
        nextPoll = Math.max(nextPoll + POLL_EVERY.toNanos(), System.nanoTime());
      }
      Thread.sleep(20);
    }
    return true;
  }

  /**
   * Three times the ideal duration, at least two minutes: the batches' pauses, then the plan's C/D
   * for the N tasks, one D and one poll interval.
   */
  static Duration timeout(Scenario.Sim sim, int n) {
    long batches = (n + BATCH - 1) / BATCH;
    double rate = Math.min(sim.concurrencyLimit(), 1000.0);
    double ideal =
        (batches - 1) * BATCH_PAUSE.toSeconds()
            + n / rate
            + sim.meanDuration().toSeconds()
            + POLL_EVERY.toSeconds();
    return Duration.ofSeconds((long) Math.max(120, 3 * ideal));
  }

  private void submitBatch(int from, int count) throws InterruptedException {
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      int index = i;
      String body =
          "{\"url\":\"https://bench.example.com/" + ctx.runId() + "-baseline/" + index + "\"}";
      calls.add(
          send(request("/v1/extract/async").POST(HttpRequest.BodyPublishers.ofString(body)))
              .thenAccept(
                  response -> {
                    JsonNode task = json(response).path("task");
                    if (response.statusCode() == 200 && task.path("id").isTextual()) {
                      pending.put(task.path("id").asText(), index);
                    } else {
                      failureCodes.merge("SUBMIT_" + response.statusCode(), 1, Integer::sum);
                      done.put("submit-" + index, true);
                    }
                  }));
    }
    await(calls);
  }

  private void pollAll() throws InterruptedException {
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (String id : new ArrayList<>(pending.keySet())) {
      calls.add(
          send(request("/v1/tasks/" + id).GET())
              .thenCompose(
                  response -> {
                    String state = json(response).path("task").path("state").asText("");
                    if ("completed".equals(state)) {
                      return fetch(id);
                    }
                    if ("failed".equals(state)) {
                      finish(id, "TASK_FAILED", 0);
                    }
                    return CompletableFuture.completedFuture(null);
                  }));
    }
    await(calls);
  }

  private CompletableFuture<Void> fetch(String id) {
    return send(request("/v1/tasks/" + id + "/results").GET())
        .thenAccept(
            response -> {
              if (response.statusCode() == 200) {
                long finished =
                    OutcomeCollector.finishedFromMetadata(json(response).path("metadata"));
                finish(id, null, finished);
              }
            });
  }

  private void finish(String id, String failure, long finishedAt) {
    long now = System.currentTimeMillis();
    if (pending.remove(id) == null) {
      return;
    }
    done.put(id, true);
    arrivals.add(now);
    if (failure != null) {
      failureCodes.merge(failure, 1, Integer::sum);
    } else if (finishedAt > 0) {
      finishToRead.add(now - finishedAt);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + Simulator.API_KEY)
        .header("Content-Type", "application/json");
  }

  private CompletableFuture<HttpResponse<String>> send(HttpRequest.Builder request) {
    inFlight.acquireUninterruptibly();
    long delay = paced();
    Executor at =
        delay <= 0 ? Runnable::run : CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS);
    return CompletableFuture.supplyAsync(() -> null, at)
        .thenCompose(
            ignored -> http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()))
        .whenComplete((r, e) -> inFlight.release());
  }

  /** Nanoseconds until this call's slot at the key's rate (0 without a rate). */
  private long paced() {
    int qps = scenario.sim().qps();
    if (qps <= 0) {
      return 0;
    }
    long interval = 1_000_000_000L / qps;
    synchronized (pace) {
      long now = System.nanoTime();
      long slot = Math.max(now, nextCallAt);
      nextCallAt = slot + interval;
      return slot - now;
    }
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return Http.JSON.readTree(response.body());
    } catch (IOException e) {
      return Http.JSON.createObjectNode();
    }
  }

  private void await(List<CompletableFuture<?>> calls) throws InterruptedException {
    for (CompletableFuture<?> call : calls) {
      try {
        call.join();
      } catch (RuntimeException e) {
        // a check that failed at the transport level is made again on the next round
        transportErrors.incrementAndGet();
      }
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }
}
