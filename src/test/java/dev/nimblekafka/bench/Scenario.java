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
 * @param requests N, the number of requests (before {@code --scale}); for a crawl, its pages
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
   * @param variant the worker variant it applies to; null for every worker variant
   */
  record Target(String figure, boolean atMost, double limit, String variant) {
    static Target atMost(String figure, double limit) {
      return new Target(figure, true, limit, null);
    }

    static Target atLeast(String figure, double limit) {
      return new Target(figure, false, limit, null);
    }

    /** The same bound, checked on the variant named {@code name} only. */
    Target onlyFor(String name) {
      return new Target(figure, atMost, limit, name);
    }

    /** Whether this bound is checked on {@code v}: never on a baseline row. */
    boolean appliesTo(Variant v) {
      return !v.baseline() && (variant == null || variant.equals(v.name()));
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
      return figure
          + (atMost ? " <= " : " >= ")
          + Report.format(limit)
          + (variant == null ? "" : " (" + variant + ")");
    }
  }

  enum Kind {
    /**
     * N requests run to their outcomes; throughput, calls, latency, CPU, heap. Each variant is the
     * worker (through Kafka) or the baseline loop ({@link Variant#baseline()}).
     */
    THROUGHPUT,
    /** Many tasks held pending by the worker at once; heap after a full GC. */
    HEAP,
    /**
     * One crawl request of N pages ({@link CrawlRun}): page records, the summary, and Nimble calls
     * per page.
     */
    CRAWL
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

    /**
     * Log-normal task durations ({@code --duration lognormal:<median>,<sigma>}); the mean, which
     * C/D is taken over, is median × e^(sigma²/2) (8 s and 0.5: 9.065 s). The simulator caps a draw
     * at 100 × the median, which leaves the mean as it is to well under a millisecond for sigma
     * 0.5.
     */
    static Sim logNormal(int concurrency, Duration median, double sigma, int qps) {
      long meanMillis = Math.round(median.toMillis() * Math.exp(sigma * sigma / 2));
      return new Sim(
          concurrency,
          "lognormal:" + median.toSeconds() + "s," + sigma,
          Duration.ofMillis(meanMillis),
          qps);
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
   * How many worker processes run a variant, and how the requests reach them.
   *
   * @param pods worker JVMs in one consumer group, all on the same simulator key
   * @param partitions partitions of the requests topic, created by the driver before the pods
   *     start; 0: the worker creates it (its default, {@code TOPIC_PARTITIONS}=12)
   * @param sameKey true: every request is produced with the same record key, so all land on one
   *     partition (and one pod); false: keyed by request id, spread over all partitions
   */
  record Fleet(int pods, int partitions, boolean sameKey) {
    static final Fleet ONE = new Fleet(1, 0, false);

    Fleet {
      if (pods < 1 || partitions < 0) {
        throw new IllegalArgumentException(
            "pods >= 1 and partitions >= 0: " + pods + ", " + partitions);
      }
    }

    /** For the report, e.g. "3 pods, 12 partitions, one key". */
    String describe() {
      return pods
          + (pods == 1 ? " pod" : " pods")
          + (partitions == 0 ? "" : ", " + partitions + " partitions")
          + (sameKey ? ", every request with the same key" : "");
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
   * @param fleet how many worker processes, and how the requests are keyed
   * @param comparedTo another variant of the same scenario (a worker variant's name, or {@link
   *     #BASELINE}) this one's throughput is divided by, as {@code throughput_steady_ratio}, when
   *     both ran in the same benchmark; null for none
   * @param workload requests of several tenants and priorities produced on their own schedules
   *     instead of N plain requests at once; null for the plain ones
   */
  record Variant(
      String name,
      Map<String, String> env,
      String heap,
      int produceStep,
      boolean baseline,
      Fleet fleet,
      String comparedTo,
      Workload workload,
      int warmup) {
    /** The label of the baseline's row. */
    static final String BASELINE = "baseline (recommended loop)";

    Variant {
      env = Map.copyOf(env);
      java.util.Objects.requireNonNull(fleet, "fleet");
    }

    Variant(String name, Map<String, String> env, String heap, int produceStep, boolean baseline) {
      this(name, env, heap, produceStep, baseline, Fleet.ONE, null, null, 0);
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

    /** This variant run by {@code fleet}. */
    Variant on(Fleet fleet) {
      return new Variant(
          name, env, heap, produceStep, baseline, fleet, comparedTo, workload, warmup);
    }

    /** This variant, with its steady throughput divided by the variant named {@code other}. */
    Variant comparedTo(String other) {
      return new Variant(name, env, heap, produceStep, baseline, fleet, other, workload, warmup);
    }

    /** This baseline variant under another label (a shared run's copy). */
    Variant renamed(String label) {
      return new Variant(
          label, env, heap, produceStep, baseline, fleet, comparedTo, workload, warmup);
    }

    /** This variant producing {@code workload} instead of N plain requests. */
    Variant producing(Workload workload) {
      return new Variant(
          name, env, heap, produceStep, baseline, fleet, comparedTo, workload, warmup);
    }

    /**
     * This variant after {@code requests} requests of warm-up: they go through the pods first, and
     * the run is weighed from the moment their outcomes are in (a pod that has run for a while, its
     * code compiled, not one that has just started).
     */
    Variant warmedUpBy(int requests) {
      return new Variant(
          name, env, heap, produceStep, baseline, fleet, comparedTo, workload, requests);
    }

    /** The requests this variant produces: its workload's, else the scenario's N. */
    int requests(int n) {
      return workload == null ? n : workload.total();
    }

    /** Variables in a stable order, for the report. */
    Map<String, String> sortedEnv() {
      return new java.util.TreeMap<>(env);
    }
  }

  /**
   * This scenario with N, and every variant's workload, multiplied by {@code scale} (at least one
   * request).
   */
  Scenario scaled(double scale) {
    int n = Math.max(1, (int) Math.round(requests * scale));
    List<Variant> scaled = new ArrayList<>();
    for (Variant v : variants) {
      scaled.add(v.workload() == null ? v : v.producing(v.workload().scaled(scale)));
    }
    return new Scenario(name, about, kind, sim, n, scaled, inDefault, targets);
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
