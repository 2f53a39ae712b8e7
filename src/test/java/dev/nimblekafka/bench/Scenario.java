package dev.nimblekafka.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One named benchmark configuration: a simulator set-up, a number of requests, and one or more
 * variants of the client under test. Each variant is a row of the results table, so new columns of
 * comparison (callbacks on/off, batch submission on/off) are new variants, not new code paths.
 *
 * @param name the name given to {@code --scenarios}
 * @param about one line for the report
 * @param kind what is measured
 * @param sim how the simulator is started
 * @param requests N, the number of requests (before {@code --scale})
 * @param variants the clients to compare, each run against a fresh simulator and fresh topics
 * @param inDefault whether a run without {@code --scenarios} includes it
 * @param targets what the worker should reach here; reported as met or missed, never enforced
 */
record Scenario(
    String name,
    String about,
    Kind kind,
    Sim sim,
    int requests,
    List<Variant> variants,
    boolean inDefault,
    List<Target> targets) {

  /**
   * A figure's bound: {@code figure <= limit} ({@code atMost}) or {@code figure >= limit}.
   *
   * @param figure the figure's name in {@link RunResult#figures}
   */
  record Target(String figure, boolean atMost, double limit) {
    static Target atMost(String figure, double limit) {
      return new Target(figure, true, limit);
    }

    static Target atLeast(String figure, double limit) {
      return new Target(figure, false, limit);
    }

    /** Null when met; otherwise what was missed, e.g. "calls_per_task 4.2 > 4". */
    String missed(RunResult r) {
      double value = r.number(figure);
      if (Double.isNaN(value)) {
        return figure + " not measured";
      }
      boolean met = atMost ? value <= limit : value >= limit;
      return met
          ? null
          : figure + " " + Report.format(value) + (atMost ? " > " : " < ") + Report.format(limit);
    }

    @Override
    public String toString() {
      return figure + (atMost ? " <= " : " >= ") + Report.format(limit);
    }
  }

  enum Kind {
    /**
     * N requests run to their outcomes; throughput, calls, latency, CPU, heap. Each variant is the
     * worker (through Kafka) or the baseline loop ({@link Variant#baseline()}).
     */
    THROUGHPUT,
    /** Many tasks held pending by the worker at once; heap after a full GC. */
    HEAP
  }

  /**
   * The simulator's settings.
   *
   * @param concurrency the plan's concurrent tasks (C)
   * @param duration how long each task runs once it has a slot (D), as {@code --duration} takes it
   * @param meanDuration the mean of that duration, for the limit C/D
   * @param qps the per-key call limit ({@code --qps}); 0 for none
   */
  record Sim(
      int concurrency, String duration, Duration meanDuration, int qps, List<String> faults) {
    Sim(int concurrency, String duration, Duration meanDuration, int qps) {
      this(concurrency, duration, meanDuration, qps, List.of());
    }

    /** The same simulator with a fault mix: the simulator's own options, e.g. --error-rate 0.05. */
    Sim withFaults(String... options) {
      return new Sim(concurrency, duration, meanDuration, qps, List.of(options));
    }

    List<String> args() {
      List<String> args = new java.util.ArrayList<>();
      args.addAll(
          List.of(
              "--plan",
              Integer.toString(concurrency),
              "--duration",
              duration,
              "--qps",
              Integer.toString(qps)));
      args.addAll(faults);
      return args;
    }

    /** Tasks per second the plan allows at most: C/D (infinite for D = 0). */
    double concurrencyLimit() {
      return meanDuration.isZero()
          ? Double.POSITIVE_INFINITY
          : concurrency * 1000.0 / meanDuration.toMillis();
    }
  }

  /**
   * One client configuration.
   *
   * @param name the row label, e.g. {@code pending=C}
   * @param env worker environment variables on top of the ones every run sets
   * @param heap the worker's {@code -Xmx}
   * @param produceStep 0: produce all N requests at once; otherwise this many at a time, each step
   *     once the simulator has created the tasks of the steps before
   * @param baseline true: not the worker but Nimble's recommended client loop ({@link
   *     BaselineRun}), run by the driver straight against the simulator
   */
  record Variant(
      String name, Map<String, String> env, String heap, int produceStep, boolean baseline) {
    /** The label of the baseline's row. */
    static final String BASELINE = "baseline (recommended loop)";

    Variant {
      env = Map.copyOf(env);
    }

    Variant(String name, Map<String, String> env, String heap, int produceStep) {
      this(name, env, heap, produceStep, false);
    }

    Variant(String name, Map<String, String> env, String heap) {
      this(name, env, heap, 0, false);
    }

    /** Nimble's recommended loop, against the same simulator settings as the worker rows. */
    static Variant recommendedLoop() {
      return new Variant(BASELINE, Map.of(), "", 0, true);
    }

    /** Variables in a stable order, for the report. */
    Map<String, String> sortedEnv() {
      return new java.util.TreeMap<>(env);
    }
  }

  /** This scenario with N multiplied by {@code scale} (at least one request). */
  Scenario scaled(double scale) {
    int n = Math.max(1, (int) Math.round(requests * scale));
    return new Scenario(name, about, kind, sim, n, variants, inDefault, targets);
  }

  /** This scenario without its baseline variant; null when nothing else is left. */
  Scenario withoutBaseline() {
    List<Variant> workers = variants.stream().filter(v -> !v.baseline()).toList();
    return workers.isEmpty()
        ? null
        : new Scenario(
            name, about, kind, sim, requests, new ArrayList<>(workers), inDefault, targets);
  }

  /** Whether a worker and the baseline both run here, on the same simulator and the same N. */
  boolean paired() {
    return variants.stream().anyMatch(Variant::baseline)
        && variants.stream().anyMatch(v -> !v.baseline());
  }

  /** A small builder for worker environments: {@code env("A", "1", "B", "2")}. */
  static Map<String, String> env(String... pairs) {
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  static List<Variant> variants(Variant... variants) {
    return new ArrayList<>(List.of(variants));
  }
}
