package dev.nimblekafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Turns what a run observed into named figures. */
final class Figures {
  /** Fractions of the outcomes that bound the steady part of a run. */
  static final double STEADY_FROM = 0.10;

  static final double STEADY_TO = 0.90;

  private Figures() {}

  /** Outcome counts, throughput, the limit, calls per task, slot use and latencies. */
  static void outcomes(
      RunResult r,
      OutcomeCollector.Snapshot seen,
      int n,
      long startedAt,
      Scenario.Sim sim,
      JsonNode stats) {
    r.put("requests", n);
    r.put("outcomes", seen.results() + seen.failures());
    r.put("results", seen.results());
    r.put("failures", seen.failures());
    if (!seen.failureCodes().isEmpty()) {
      r.put("failure_codes", seen.failureCodes());
    }
    r.put("duplicate_outcomes", seen.duplicates());
    if (seen.unreadable() > 0) {
      r.put("unreadable_outcomes", seen.unreadable());
    }
    List<Long> arrivals = seen.seenTimes();
    r.arrivalOffsetsMillis = arrivals.stream().map(t -> Math.max(0, t - startedAt)).toList();
    long last = arrivals.stream().mapToLong(Long::longValue).max().orElse(startedAt);
    double wall = (last - startedAt) / 1000.0;
    r.put("wall_s", wall, 1);
    r.put("throughput_overall_per_s", arrivals.size() / wall, 2);
    // every request has its outcome, but some outcomes have no arrival time: the baseline loop's
    // submissions it gave up on (a 429 or a 5xx it does not retry); its steady rate is then that of
    // the results it delivered
    int outcomes = seen.results() + seen.failures();
    int steadyOver = outcomes >= n && arrivals.size() < n ? arrivals.size() : n;
    if (steadyOver < n) {
      r.put("steady_over_outcomes", steadyOver);
    }
    long oneTask = sim == null || sim.meanDuration() == null ? 0 : sim.meanDuration().toMillis();
    double steady = Stats.steadyRate(arrivals, steadyOver, STEADY_FROM, STEADY_TO, oneTask);
    r.put("throughput_steady_per_s", steady, 2);

    long tasks = stats.path("tasks_created").asLong();
    long calls = Simulator.totalCalls(stats);
    double callsPerTask = tasks == 0 ? Double.NaN : calls / (double) tasks;
    r.put("tasks_created", tasks);
    r.put("api_calls", calls);
    r.put("api_calls_by_endpoint", Simulator.callsByEndpoint(stats));
    r.put("calls_per_task", callsPerTask, 2);
    long http429 = Simulator.callsWithStatus(stats, "429");
    r.put("http_429", http429);
    r.put("http_429_share", calls == 0 ? Double.NaN : http429 / (double) calls, 4);
    r.put("duplicate_inputs", stats.path("duplicate_inputs").asLong());
    r.put("duplicate_inputs_live", stats.path("duplicate_inputs_live").asLong());
    r.put("sim_running_peak", stats.path("running_peak").asLong());
    r.put("sim_tasks_completed", stats.path("tasks_completed").asLong());
    r.put("sim_tasks_failed", stats.path("tasks_failed").asLong());

    double concurrencyLimit = sim.concurrencyLimit();
    double rateLimit =
        sim.qps() == 0 || Double.isNaN(callsPerTask)
            ? Double.POSITIVE_INFINITY
            : sim.qps() / callsPerTask;
    double limit = Math.min(concurrencyLimit, rateLimit);
    r.put("concurrency_limit_per_s", concurrencyLimit, 2);
    r.put("rate_limit_per_s", rateLimit, 2);
    r.put("limit_per_s", limit, 2);
    r.put(
        "limited_by",
        concurrencyLimit <= rateLimit ? "plan concurrency C/D" : "QPS/calls-per-task");
    slotUse(r, stats);

    latency(r, "finish_to_published", seen.finishToPublishedMillis());
    latency(r, "finish_to_read", seen.finishToReadMillis());
  }

  /**
   * How the client used the plan's C slots, from the simulator's own ledger: {@code slot_use} =
   * busy slot-seconds ÷ (C × the time from the first task created to the last task started), while
   * there was work to start (the driver produces every request at once), at most 1 by construction;
   * {@code slot_use_to_last_end} the same up to the last task's end, the tail included, when the
   * last tasks run and no client can fill the slots they leave; and the makespan beside its lower
   * bound, the summed task durations ÷ C or the longest task, whichever is longer. Absent when the
   * simulator reported no slot use.
   */
  static void slotUse(RunResult r, JsonNode stats) {
    JsonNode slotUse = stats.path("slot_use");
    if (!slotUse.isNumber()) {
      return;
    }
    JsonNode backlog = stats.path("backlog_slot_use");
    r.put("slot_use", backlog.isNumber() ? backlog.asDouble() : slotUse.asDouble(), 3);
    r.put("slot_use_to_last_end", slotUse.asDouble(), 3);
    r.put("busy_slot_s", stats.path("busy_slot_seconds").asDouble(), 1);
    r.put("slot_wait_s", stats.path("slot_wait_seconds").asDouble(), 1);
    double makespan = stats.path("makespan_seconds").asDouble();
    double bound = stats.path("makespan_lower_bound_seconds").asDouble();
    r.put("makespan_s", makespan, 1);
    r.put("makespan_lower_bound_s", bound, 1);
    if (bound > 0) {
      r.put("makespan_over_lower_bound", makespan / bound, 3);
    }
  }

  /**
   * For every run whose variant is compared to another of the same scenario ({@link
   * Scenario.Variant#comparedTo()}), once both are in {@code runs}: {@code throughput_steady_ratio}
   * and {@code throughput_overall_ratio}, this run's ÷ the other's; for a variant with a workload,
   * {@code watched_p99_ratio} instead. Safe to call again.
   */
  static void relate(List<RunResult> runs) {
    for (RunResult r : runs) {
      String other = r.variant.comparedTo();
      if (other == null) {
        continue;
      }
      RunResult ref = reference(runs, r, other);
      if (ref == null) {
        continue;
      }
      if (r.variant.workload() != null) {
        TenantFigures.relate(r, ref);
        continue;
      }
      r.settings.put("ratio_reference", ref.variant.name());
      r.put(
          "throughput_steady_ratio",
          r.number("throughput_steady_per_s") / ref.number("throughput_steady_per_s"),
          3);
      r.put(
          "throughput_overall_ratio",
          r.number("throughput_overall_per_s") / ref.number("throughput_overall_per_s"),
          3);
    }
  }

  /** The run {@code r} is compared to: same scenario, the named variant (or the baseline row). */
  static RunResult reference(List<RunResult> runs, RunResult r, String variant) {
    for (RunResult x : runs) {
      boolean named =
          Scenario.Variant.BASELINE.equals(variant)
              ? x.variant.baseline()
              : x.variant.name().equals(variant);
      if (x != r && named && x.scenario.name().equals(r.scenario.name())) {
        return x;
      }
    }
    return null;
  }

  static void latency(RunResult r, String name, List<Long> millis) {
    if (millis.isEmpty()) {
      return;
    }
    r.put(name + "_p50_ms", Stats.percentile(millis, 50), 0);
    r.put(name + "_p99_ms", Stats.percentile(millis, 99), 0);
    r.put(name + "_max_ms", Stats.percentile(millis, 100), 0);
  }

  /**
   * Where the machine's CPU went during the run: the worker, the simulator, and everything else
   * (the broker, this driver, and whatever else runs on a shared machine).
   */
  static void machine(RunResult r, double workerCpu, double simCpu, double machineCpu) {
    double wall = r.number("wall_s");
    r.put("sim_cpu_s", simCpu, 2);
    r.put("machine_busy_cores", machineCpu / wall, 2);
    r.put("other_busy_cores", (machineCpu - workerCpu - simCpu) / wall, 2);
  }

  /** The worker's CPU over the run, what it held at most, and what it counted itself. */
  static void worker(
      RunResult r,
      double cpuSeconds,
      OutcomeCollector.Snapshot seen,
      Timeline timeline,
      Prometheus metrics) {
    double wall = r.number("wall_s");
    int outcomes = seen.results() + seen.failures();
    r.put("worker_cpu_s", cpuSeconds, 2);
    r.put("worker_cpu_cores", cpuSeconds / wall, 3);
    r.put("outcomes_per_worker_cpu_s", outcomes / cpuSeconds, 0);
    r.put("worker_in_flight_peak", timeline.peakInFlight(), 0);
    r.put("worker_queued_peak", timeline.peakQueued(), 0);
    double seen429 =
        metrics.sum(
            "nimble_worker_nimble_calls_seconds_count", l -> "429".equals(l.get("outcome")));
    r.put("worker_seen_429", seen429, 0);
    callbackPath(r, metrics);
  }

  /**
   * With callbacks, where the time from a callback to its result went, by stage of {@code
   * nimble_worker_callback_path} (p50 and p99 in ms, each a histogram bucket's upper bound).
   */
  static void callbackPath(RunResult r, Prometheus metrics) {
    for (String stage : List.of("delivered", "loop", "pace", "call", "back")) {
      for (double q : new double[] {0.5, 0.99}) {
        double seconds =
            metrics.quantile(
                "nimble_worker_callback_path_seconds", l -> stage.equals(l.get("stage")), q);
        if (!Double.isNaN(seconds)) {
          r.put("callback_" + stage + "_p" + Math.round(q * 100) + "_ms", seconds * 1000, 0);
        }
      }
    }
  }
}
