package dev.nimblekafka.bench;

import static dev.nimblekafka.bench.Scenario.env;
import static dev.nimblekafka.bench.Scenario.variants;

import dev.nimblekafka.bench.Scenario.Kind;
import dev.nimblekafka.bench.Scenario.Sim;
import dev.nimblekafka.bench.Scenario.Target;
import dev.nimblekafka.bench.Scenario.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The named scenarios. The default set is sized to finish in under 15 minutes on two cores. */
final class Scenarios {
  /** The worker's heap in the Kubernetes manifests: 75% of a 1 GiB limit. */
  static final String WORKER_HEAP = "768m";

  private Scenarios() {}

  static Map<String, Scenario> all() {
    Map<String, Scenario> all = new LinkedHashMap<>();
    for (Scenario s :
        List.of(
            pro2s(),
            pro2sLong(),
            pro2sFaults(),
            pro2sModes(),
            starter20s(),
            fastPath(),
            heap(),
            heapBurst(),
            baselinePro2s(),
            baselineStarter20s(),
            lostAnswers())) {
      all.put(s.name(), s);
    }
    return all;
  }

  static List<Scenario> defaults() {
    return new ArrayList<>(all().values().stream().filter(Scenario::inDefault).toList());
  }

  /**
   * N of the paired pro-2s runs. The baseline submits 100 tasks every 10 s, so it needs about N/10
   * seconds (2 min); each worker variant needs about N/50 s at the plan's C/D of 50/s.
   */
  static final int PRO_PAIRED_N = 1200;

  /**
   * N of the paired starter-20s runs: the plan finishes 10 tasks every 20 s for both clients, so
   * each takes about N/0.5 s (1.7 min).
   */
  static final int STARTER_PAIRED_N = 50;

  /**
   * Pro plan, 2 s tasks: the worker's target is >= 0.95 of C/D at <= 4 calls per task. Paired: the
   * worker variants, then Nimble's recommended loop on the same simulator settings and the same N.
   */
  static Scenario pro2s() {
    return new Scenario(
        "pro-2s",
        "C=100, D=2 s fixed, QPS 1000 (not binding); MAX_PENDING_TASKS = C and 1.2 x C;"
            + " then the recommended loop on the same simulator",
        Kind.THROUGHPUT,
        proSim(),
        PRO_PAIRED_N,
        variants(
            new Variant("pending=C", with(proEnv(), "MAX_PENDING_TASKS", "100"), WORKER_HEAP),
            new Variant("pending=1.2C", with(proEnv(), "MAX_PENDING_TASKS", "120"), WORKER_HEAP),
            Variant.recommendedLoop()),
        true,
        proTargets());
  }

  /**
   * As {@link #pro2s()} with a fault mix at the simulator: 5% of calls answered 5xx, 1% of
   * connections dropped, 50 ms added to every call. Both clients see the same faults.
   */
  static Scenario pro2sFaults() {
    return new Scenario(
        "pro-2s-faults",
        "as pro-2s with 5% 5xx, 1% dropped connections and 50 ms latency at the simulator",
        Kind.THROUGHPUT,
        proSim().withFaults("--error-rate", "0.05", "--drop-rate", "0.01", "--latency", "50ms"),
        PRO_PAIRED_N,
        variants(
            new Variant("pending=1.2C", with(proEnv(), "MAX_PENDING_TASKS", "120"), WORKER_HEAP),
            Variant.recommendedLoop()),
        false,
        proTargets());
  }

  /**
   * At Nimble's documented rate (83 calls/s), tasks of 1 to 3 s, the simulator losing 3% of its
   * answers after handling the call (a create's task exists, no answer says so): how many tasks are
   * paid for twice. Worker defaults.
   */
  static Scenario lostAnswers() {
    return new Scenario(
        "lost-answers",
        "C=100, tasks of 1-3 s, QPS 83, 3% of answers lost after the call was handled;"
            + " worker defaults; tasks paid twice",
        Kind.THROUGHPUT,
        new Sim(100, "uniform:1s..3s", Duration.ofSeconds(2), 83)
            .withFaults("--lost-response-rate", "0.03"),
        900,
        variants(
            new Variant(
                "defaults", env("NIMBLE_QPS", "83", "TASK_EXPECTED_DURATION", "2s"), WORKER_HEAP)),
        false,
        List.of(
            Target.atMost("duplicate_outcomes", 0),
            Target.atMost("duplicate_inputs_live", 4))); // 0.5% of 900
  }

  /** As the worker rows of {@link #pro2s()}, with N = 5000: a longer steady part. */
  static Scenario pro2sLong() {
    return new Scenario(
        "pro-2s-long",
        "as pro-2s with N=5000, worker only",
        Kind.THROUGHPUT,
        proSim(),
        5000,
        variants(
            new Variant("pending=C", with(proEnv(), "MAX_PENDING_TASKS", "100"), WORKER_HEAP),
            new Variant("pending=1.2C", with(proEnv(), "MAX_PENDING_TASKS", "120"), WORKER_HEAP)),
        false,
        proTargets());
  }

  private static Sim proSim() {
    return new Sim(100, "2s", Duration.ofSeconds(2), 1000);
  }

  private static Map<String, String> proEnv() {
    return env("NIMBLE_QPS", "1000", "TASK_EXPECTED_DURATION", "2s");
  }

  private static List<Target> proTargets() {
    return exactlyOnce(
        Target.atLeast("fraction_of_concurrency_limit", 0.95), Target.atMost("calls_per_task", 4));
  }

  /**
   * Pro plan, 2 s tasks, the four ways of talking to Nimble: callbacks on or off, batch submission
   * on or off. HTTP calls per task and completion-to-result latency tell them apart.
   */
  static Scenario pro2sModes() {
    Sim sim = proSim();
    Map<String, String> common = with(proEnv(), "MAX_PENDING_TASKS", "100");
    Map<String, String> callbacks =
        with(
            with(common, "CALLBACK_BASE_URL", "http://127.0.0.1:{http_port}"),
            "CALLBACK_SECRET",
            "bench-callback-secret-0123456789");
    return new Scenario(
        "pro-2s-modes",
        "C=100, D=2 s, MAX_PENDING_TASKS = C: callbacks on/off x batch submission on/off",
        Kind.THROUGHPUT,
        sim,
        1000,
        variants(
            new Variant("poll,batch", with(common, "BATCH_SUBMIT", "true"), WORKER_HEAP),
            new Variant("poll,single", with(common, "BATCH_SUBMIT", "false"), WORKER_HEAP),
            new Variant("callbacks,batch", with(callbacks, "BATCH_SUBMIT", "true"), WORKER_HEAP),
            new Variant("callbacks,single", with(callbacks, "BATCH_SUBMIT", "false"), WORKER_HEAP)),
        true,
        exactlyOnce(Target.atMost("calls_per_task", 4)));
  }

  /**
   * Starter plan, 20 s tasks: a slow plan. Paired: the worker, then Nimble's recommended loop on
   * the same simulator settings and the same N.
   */
  static Scenario starter20s() {
    Map<String, String> common = env("NIMBLE_QPS", "83", "TASK_EXPECTED_DURATION", "20s");
    return new Scenario(
        "starter-20s",
        "C=10, D=20 s fixed, QPS 83 (Nimble's documented rate); MAX_PENDING_TASKS = 1.2 x C;"
            + " then the recommended loop on the same simulator",
        Kind.THROUGHPUT,
        starterSim(),
        STARTER_PAIRED_N,
        variants(
            new Variant("pending=1.2C", with(common, "MAX_PENDING_TASKS", "12"), WORKER_HEAP),
            Variant.recommendedLoop()),
        true,
        exactlyOnce());
  }

  private static Sim starterSim() {
    return new Sim(10, "20s", Duration.ofSeconds(20), 83);
  }

  /** Zero-length tasks: what the worker itself costs per request. */
  static Scenario fastPath() {
    Sim sim = new Sim(1000, "0", Duration.ZERO, 5000);
    Map<String, String> workerEnv =
        env(
            "NIMBLE_QPS", "5000",
            "MAX_PENDING_TASKS", "1000",
            "TASK_EXPECTED_DURATION", "1ms",
            "POLL_MIN_INTERVAL", "10ms");
    return new Scenario(
        "fast-path",
        "C=1000, D=0, QPS 5000: the worker's own overhead (outcomes per worker CPU-second)",
        Kind.THROUGHPUT,
        sim,
        20000,
        variants(new Variant("pending=1000", workerEnv, WORKER_HEAP)),
        true,
        exactlyOnce());
  }

  /**
   * 100,000 tasks pending at once: heap after a full GC, with and without them. The requests are
   * produced 5,000 at a time (each step once the simulator has the tasks of the last), so no more
   * than one step's submissions are in flight together; {@link #heapBurst()} produces them at once.
   */
  static Scenario heap() {
    return new Scenario(
        "heap",
        "100,000 tasks pending (C=100000, D=1 h, no polls due), produced 5,000 at a time;"
            + " heap after a full GC vs. none",
        Kind.HEAP,
        heapSim(),
        100_000,
        variants(new Variant("pending=100000,step=5000", heapEnv(), WORKER_HEAP, 5000)),
        true,
        List.of(
            Target.atMost("heap_projected_100k_mb", 256),
            Target.atMost("duplicate_inputs_live", 0)));
  }

  /** As {@link #heap()}, but all 100,000 requests produced at once. */
  static Scenario heapBurst() {
    return new Scenario(
        "heap-burst",
        "as heap, but all 100,000 requests produced at once",
        Kind.HEAP,
        heapSim(),
        100_000,
        variants(new Variant("pending=100000,burst", heapEnv(), WORKER_HEAP, 0)),
        false,
        List.of(
            Target.atMost("heap_projected_100k_mb", 256),
            Target.atMost("duplicate_inputs_live", 0)));
  }

  private static Sim heapSim() {
    return new Sim(100_000, "1h", Duration.ofHours(1), 0);
  }

  private static Map<String, String> heapEnv() {
    return env(
        "NIMBLE_QPS", "3000",
        "MAX_PENDING_TASKS", "100000",
        "TASK_EXPECTED_DURATION", "1h",
        "POLL_MAX_INTERVAL", "1h",
        "SHUTDOWN_GRACE_PERIOD", "0s");
  }

  /**
   * The baseline row of {@link #pro2s()} alone: Nimble's recommended loop, without Kafka; batches
   * of 100 submissions 10 s apart, every pending task polled every 5 s.
   */
  static Scenario baselinePro2s() {
    return new Scenario(
        "baseline-pro-2s",
        "Nimble's recommended loop on pro-2s: batches of 100 every 10 s, every task polled every 5 s",
        Kind.THROUGHPUT,
        proSim(),
        PRO_PAIRED_N,
        variants(Variant.recommendedLoop()),
        false,
        List.of());
  }

  /** The baseline row of {@link #starter20s()} alone. */
  static Scenario baselineStarter20s() {
    return new Scenario(
        "baseline-starter-20s",
        "Nimble's recommended loop on starter-20s",
        Kind.THROUGHPUT,
        starterSim(),
        STARTER_PAIRED_N,
        variants(Variant.recommendedLoop()),
        false,
        List.of());
  }

  /** Every scenario that moves requests: one outcome each, no task paid for twice. */
  private static List<Target> exactlyOnce(Target... more) {
    List<Target> targets = new ArrayList<>(List.of(more));
    targets.add(Target.atMost("duplicate_outcomes", 0));
    targets.add(Target.atMost("duplicate_inputs_live", 0));
    return targets;
  }

  private static Map<String, String> with(Map<String, String> base, String name, String value) {
    Map<String, String> env = new LinkedHashMap<>(base);
    env.put(name, value);
    return env;
  }
}
