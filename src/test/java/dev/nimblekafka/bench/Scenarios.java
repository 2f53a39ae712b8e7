package dev.nimblekafka.bench;

import static dev.nimblekafka.bench.Scenario.env;
import static dev.nimblekafka.bench.Scenario.variants;

import dev.nimblekafka.bench.Scenario.Fleet;
import dev.nimblekafka.bench.Scenario.Kind;
import dev.nimblekafka.bench.Scenario.Sim;
import dev.nimblekafka.bench.Scenario.Target;
import dev.nimblekafka.bench.Scenario.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named scenarios. The headline ones (the default set) run at Nimble's documented per-key rate,
 * 83 calls/s, so the rate limit binds as it does against Nimble; the older ones at 1000 calls/s
 * ({@code *-conc}) measure plan concurrency only. The default set is sized to finish in about 20
 * minutes on two cores.
 */
final class Scenarios {
  /** The worker's heap in the Kubernetes manifests: 75% of a 1 GiB limit. */
  static final String WORKER_HEAP = "768m";

  /** Nimble's documented per-key rate: 83 calls per second (5,000 a minute). */
  static final int NIMBLE_QPS = 83;

  /** The log-normal shape (sigma of the logarithm) of the log-normal scenarios. */
  static final double LOGNORMAL_SIGMA = 0.5;

  /** Partitions of the requests topic of the multi-pod scenarios, created by the driver. */
  static final int FLEET_PARTITIONS = 12;

  /**
   * Scenarios whose baseline row is the loop run of another scenario when that one ran earlier in
   * the same benchmark with the same simulator settings and N (the loop does not depend on the
   * worker's settings); alone, they run the loop themselves.
   */
  static final Map<String, String> SHARES_LOOP_WITH = Map.of("pro-2s-callbacks", "pro-2s");

  private Scenarios() {}

  static Map<String, Scenario> all() {
    Map<String, Scenario> all = new LinkedHashMap<>();
    for (Scenario s :
        List.of(
            pro2s(),
            pro2sCallbacks(),
            proLognormal(),
            starterLognormal(),
            threePods(),
            threePodsSkewed(),
            twelvePods(),
            flood(),
            floodThreePods(),
            weights(),
            priority(),
            fastPath(),
            heap(),
            heapBurst(),
            crawl(),
            baselinePro2s(),
            lostAnswers(),
            starter20s(),
            baselineStarter20s(),
            pro2sConc(),
            pro2sConcLong(),
            pro2sConcFaults(),
            pro2sConcModes(),
            baselinePro2sConc())) {
      all.put(s.name(), s);
    }
    return all;
  }

  static List<Scenario> defaults() {
    return new ArrayList<>(all().values().stream().filter(Scenario::inDefault).toList());
  }

  /** Pages of the crawl scenario's one crawl: 40 s of page tasks at the Pro plan's C/D of 50/s. */
  static final int CRAWL_PAGES = 2000;

  /**
   * One crawl request of {@link #CRAWL_PAGES} pages at Nimble's documented limits (Pro plan, 2 s
   * tasks, 83 calls/s), polling and with callbacks: Nimble calls per page delivered (every call the
   * worker made ÷ pages), pages per second, slot use, and how long the summary takes after the
   * crawl ended at Nimble.
   */
  static Scenario crawl() {
    return new Scenario(
        "crawl",
        "one crawl of "
            + CRAWL_PAGES
            + " pages (synthetic site, 8 links a page); C=100, D=2 s fixed, QPS 83; worker"
            + " polling, then with callbacks (CALLBACK_BASE_URL, CALLBACK_SECRET)",
        Kind.CRAWL,
        pro83Sim(),
        CRAWL_PAGES,
        variants(
            new Variant("polling", keyEnv(100), WORKER_HEAP),
            new Variant("callbacks", callbacks(keyEnv(100)), WORKER_HEAP)),
        false,
        List.of(
            Target.atMost("calls_per_page", 1.3).onlyFor("polling"),
            Target.atMost("calls_per_page", 1.1).onlyFor("callbacks"),
            Target.atMost("duplicate_page_records", 0),
            Target.atMost("crawls_created", 1),
            Target.atMost("pages_missing", 0),
            Target.atLeast("summaries", 1)));
  }

  // ---- the headline scenarios: Nimble's documented limits (83 calls/s per key) ----

  /**
   * N of the paired Pro-plan runs with 2 s tasks. The baseline submits 100 tasks every 10 s, so it
   * needs about N/10 seconds (2 min); the worker needs about N/50 s at the plan's C/D of 50/s.
   */
  static final int PRO_PAIRED_N = 1200;

  /**
   * Requests a warmed-up row runs through the pod before it is weighed: 12 s of the pro plan's work
   * at 2 s tasks, enough for the JIT compiler to have compiled the hot path.
   */
  static final int WARMUP = 600;

  /**
   * N of pro-lognormal: C/D is 100 / 9.07 s = 11/s, and the loop submits at most 10/s, so both need
   * about N/10 s (1.7 min) plus the longest tasks.
   */
  static final int PRO_LOGNORMAL_N = 1000;

  /** N of starter-lognormal: 10 / 17.0 s = 0.59 tasks/s, so about 2 min for each client. */
  static final int STARTER_LOGNORMAL_N = 60;

  /** N of the multi-pod runs: 30 s of work at C/D = 50/s. */
  static final int FLEET_N = 1500;

  /** The settings of the key, shared by every pod: its rate and its plan's concurrent tasks. */
  static Map<String, String> keyEnv(int planTasks) {
    return env(
        "NIMBLE_QPS",
        Integer.toString(NIMBLE_QPS),
        "NIMBLE_PLAN_TASKS",
        Integer.toString(planTasks));
  }

  /** Pro plan, 2 s tasks, at 83 calls/s. */
  static Sim pro83Sim() {
    return new Sim(100, "2s", Duration.ofSeconds(2), NIMBLE_QPS);
  }

  /**
   * Pro plan, 2 s tasks, at Nimble's documented 83 calls/s: the rate limit binds unless the worker
   * needs under 1.66 calls per task. Worker defaults (polling) with the key's settings only. Paired
   * with Nimble's recommended loop on the same simulator settings and the same N.
   */
  static Scenario pro2s() {
    return new Scenario(
        "pro-2s",
        "C=100, D=2 s fixed, QPS 83 (Nimble's documented rate); worker defaults (polling),"
            + " NIMBLE_QPS=83, NIMBLE_PLAN_TASKS=100; then the recommended loop on the same"
            + " simulator",
        Kind.THROUGHPUT,
        pro83Sim(),
        PRO_PAIRED_N,
        variants(new Variant("polling", keyEnv(100), WORKER_HEAP), Variant.recommendedLoop()),
        true,
        exactlyOnce(Target.atLeast("slot_use", 0.98), Target.atMost("calls_per_task", 1.1)));
  }

  /**
   * As {@link #pro2s()} with the worker's callbacks on (Nimble calls the worker back when a task
   * finishes). Its baseline row is pro-2s's loop run when pro-2s ran first in the same benchmark
   * ({@link #SHARES_LOOP_WITH}).
   */
  static Scenario pro2sCallbacks() {
    return new Scenario(
        "pro-2s-callbacks",
        "as pro-2s with the worker's callbacks on (CALLBACK_BASE_URL, CALLBACK_SECRET);"
            + " the baseline row is pro-2s's loop run when both run",
        Kind.THROUGHPUT,
        pro83Sim(),
        PRO_PAIRED_N,
        variants(
            new Variant("callbacks", callbacks(keyEnv(100)), WORKER_HEAP),
            new Variant("callbacks, warm", callbacks(keyEnv(100)), WORKER_HEAP).warmedUpBy(WARMUP),
            Variant.recommendedLoop()),
        true,
        exactlyOnce(
            Target.atLeast("slot_use", 0.98),
            Target.atMost("calls_per_task", 1.03),
            Target.atMost("finish_to_published_p99_ms", 300)));
  }

  /**
   * Pro plan, log-normal task durations with a median of 8 s (sigma 0.5: mean 9.07 s, 5% of tasks
   * over 18 s), at 83 calls/s: the worker cannot know when a task will finish. Worker defaults
   * (polling), and with callbacks: tasks end one by one here, not in waves of the whole plan as at
   * pro-2s. Paired with the loop.
   */
  static Scenario proLognormal() {
    return new Scenario(
        "pro-lognormal",
        "C=100, D log-normal (median 8 s, sigma 0.5, mean 9.07 s), QPS 83; worker defaults"
            + " (polling), NIMBLE_QPS=83, NIMBLE_PLAN_TASKS=100; then with callbacks; then the"
            + " recommended loop",
        Kind.THROUGHPUT,
        Sim.logNormal(100, Duration.ofSeconds(8), LOGNORMAL_SIGMA, NIMBLE_QPS),
        PRO_LOGNORMAL_N,
        variants(
            new Variant("polling", keyEnv(100), WORKER_HEAP),
            new Variant("callbacks", callbacks(keyEnv(100)), WORKER_HEAP),
            Variant.recommendedLoop()),
        true,
        exactlyOnce(
            Target.atLeast("slot_use", 0.98),
            Target.atMost("calls_per_task", 1.2),
            Target.atMost("finish_to_read_p99_ms", 2000),
            Target.atMost("finish_to_published_p99_ms", 300).onlyFor("callbacks")));
  }

  /**
   * Starter plan (10 concurrent tasks), log-normal durations with a median of 15 s (sigma 0.5: mean
   * 17.0 s), at 83 calls/s. Worker defaults (polling). Paired with the loop; the worker's target is
   * the loop's throughput.
   */
  static Scenario starterLognormal() {
    return new Scenario(
        "starter-lognormal",
        "C=10, D log-normal (median 15 s, sigma 0.5, mean 17.0 s), QPS 83; worker defaults"
            + " (polling), NIMBLE_QPS=83, NIMBLE_PLAN_TASKS=10; then the recommended loop",
        Kind.THROUGHPUT,
        Sim.logNormal(10, Duration.ofSeconds(15), LOGNORMAL_SIGMA, NIMBLE_QPS),
        STARTER_LOGNORMAL_N,
        variants(
            new Variant("polling", keyEnv(10), WORKER_HEAP).comparedTo(Variant.BASELINE),
            Variant.recommendedLoop()),
        true,
        exactlyOnce(
            Target.atLeast("throughput_steady_ratio", 1.0),
            Target.atMost("finish_to_read_p99_ms", 2000)));
  }

  /**
   * Three worker pods in one consumer group on one simulator key (83 calls/s shared by all three),
   * Pro plan, 2 s tasks; the requests keyed by id, so spread over the 12 partitions of the requests
   * topic. Each pod is told the key's rate and the plan's size, not a third of them.
   */
  static Scenario threePods() {
    return new Scenario(
        "three-pods",
        "3 worker pods, one consumer group, one simulator key: C=100, D=2 s, QPS 83;"
            + " 12 request partitions, requests keyed by id; NIMBLE_QPS=83, NIMBLE_PLAN_TASKS=100"
            + " on every pod",
        Kind.THROUGHPUT,
        pro83Sim(),
        FLEET_N,
        variants(
            new Variant("3 pods", keyEnv(100), WORKER_HEAP)
                .on(new Fleet(3, FLEET_PARTITIONS, false))),
        true,
        exactlyOnce(Target.atMost("http_429_share", 0.01), Target.atLeast("slot_use", 0.98)));
  }

  /** Labels of {@link #threePodsSkewed()}'s variants. */
  static final String SKEWED_THREE = "3 pods, one key";

  static final String SKEWED_ONE = "1 pod alone, one key";

  /**
   * As {@link #threePods()}, but every request has the same record key, so all land on one
   * partition and one pod does all the work while the other two hold the key's budget idle; then
   * one pod alone on the same skewed input. The three pods' throughput ÷ the lone pod's is {@code
   * throughput_steady_ratio}.
   */
  static Scenario threePodsSkewed() {
    return new Scenario(
        "three-pods-skewed",
        "as three-pods, but every request with the same record key (one partition);"
            + " then one pod alone on the same input; ratio 3 pods ÷ 1 pod",
        Kind.THROUGHPUT,
        pro83Sim(),
        PRO_PAIRED_N,
        variants(
            new Variant(SKEWED_THREE, keyEnv(100), WORKER_HEAP)
                .on(new Fleet(3, FLEET_PARTITIONS, true))
                .comparedTo(SKEWED_ONE),
            new Variant(SKEWED_ONE, keyEnv(100), WORKER_HEAP)
                .on(new Fleet(1, FLEET_PARTITIONS, true))),
        true,
        exactlyOnce(
            Target.atLeast("throughput_steady_ratio", 0.9).onlyFor(SKEWED_THREE),
            Target.atLeast("slot_use", 0.98).onlyFor(SKEWED_THREE)));
  }

  /** Pods of {@link #twelvePods()}: one for each partition of the requests topic. */
  static final int TWELVE = 12;

  /** The heap of each of {@link #twelvePods()}'s pods: twelve JVMs share the machine. */
  static final String SMALL_HEAP = "128m";

  /**
   * Twelve worker pods, one for each of the 12 request partitions, on one simulator key, Pro plan,
   * 2 s tasks: every pod holds a twelfth of the work and a share of the key, so the fleet's split
   * and its reads of the group are what is measured. Small heaps, as many JVMs as partitions. Not
   * in the default set: twelve JVMs want more than two cores.
   */
  static Scenario twelvePods() {
    return new Scenario(
        "twelve-pods",
        "12 worker pods (-Xmx"
            + SMALL_HEAP
            + "), one consumer group, one simulator key: C=100, D=2 s, QPS 83;"
            + " 12 request partitions, requests keyed by id; NIMBLE_QPS=83, NIMBLE_PLAN_TASKS=100"
            + " on every pod",
        Kind.THROUGHPUT,
        pro83Sim(),
        FLEET_N,
        variants(
            new Variant("12 pods", keyEnv(100), SMALL_HEAP)
                .on(new Fleet(TWELVE, FLEET_PARTITIONS, false))),
        false,
        exactlyOnce(Target.atMost("http_429_share", 0.01), Target.atLeast("slot_use", 0.95)));
  }

  // ---- tenants and priorities, at Nimble's documented limits (pro-2s's key and plan) ----

  /** The tenant scenarios, in the order {@code --scenarios tenants} runs them. */
  static final List<String> TENANTS = List.of("flood", "weights", "priority", "flood-three-pods");

  /** Requests of the flooding tenant: 400 s of the plan's work at C/D = 50/s. */
  static final int FLOOD_N = 20_000;

  /** Requests of the tenant that comes after the flood. */
  static final int LATE_N = 100;

  /** When the late tenant's requests are produced, after the flood's first. */
  static final Duration LATE_AFTER = Duration.ofSeconds(5);

  static final String FLOODED = "flood";

  static final String ALONE = "b alone";

  /** Tenant a's flood, then b's 100 requests 5 s later; b's latency is watched. */
  private static Workload floodWorkload() {
    Workload.Group b = new Workload.Group("b", "normal");
    return Workload.of(
        b,
        Workload.Stream.burst("a", "normal", FLOOD_N, Duration.ZERO),
        Workload.Stream.burst("b", "normal", LATE_N, LATE_AFTER));
  }

  /** b's 100 requests as in the flood, alone: the reference for b's latency. */
  private static Workload lateAlone() {
    Workload.Group b = new Workload.Group("b", "normal");
    return Workload.of(b, Workload.Stream.burst("b", "normal", LATE_N, LATE_AFTER));
  }

  /** The flood's targets: b's p99 within 3x of alone, the plan used, no call or task wasted. */
  private static List<Target> floodTargets(String flooded) {
    return exactlyOnce(
        Target.atMost("watched_p99_ratio", 3).onlyFor(flooded),
        Target.atLeast("slot_use", 0.95).onlyFor(flooded),
        Target.atMost("calls_per_task", 1.1).onlyFor(flooded),
        Target.atMost("outcome_placement_mismatches", 0));
  }

  /**
   * Tenant a floods one pod with 20,000 requests; 5 s later tenant b sends 100. Both weigh 1, so b
   * takes half the key while it has work. Then b's 100 alone on a fresh pod and simulator: b's p99
   * from produce to outcome under the flood ÷ alone is {@code watched_p99_ratio}.
   */
  static Scenario flood() {
    return new Scenario(
        "flood",
        "C=100, D=2 s, QPS 83; tenant a produces "
            + FLOOD_N
            + " requests at once, tenant b "
            + LATE_N
            + " 5 s later; then b's "
            + LATE_N
            + " alone; NIMBLE_QPS=83, NIMBLE_PLAN_TASKS=100",
        Kind.THROUGHPUT,
        pro83Sim(),
        FLOOD_N + LATE_N,
        variants(
            new Variant(FLOODED, keyEnv(100), WORKER_HEAP)
                .producing(floodWorkload())
                .comparedTo(ALONE),
            new Variant(ALONE, keyEnv(100), WORKER_HEAP).producing(lateAlone())),
        false,
        floodTargets(FLOODED));
  }

  static final String FLOODED_THREE = "flood, 3 pods";

  static final String ALONE_THREE = "b alone, 3 pods";

  /**
   * As {@link #flood()} on three pods in one group on one key, 12 request partitions, requests
   * keyed by id (the flood spreads over every pod); b alone on the same three pods.
   */
  static Scenario floodThreePods() {
    Fleet three = new Fleet(3, FLEET_PARTITIONS, false);
    return new Scenario(
        "flood-three-pods",
        "as flood on 3 worker pods, one consumer group, one simulator key; 12 request"
            + " partitions, requests keyed by id; then b's "
            + LATE_N
            + " alone on 3 pods",
        Kind.THROUGHPUT,
        pro83Sim(),
        FLOOD_N + LATE_N,
        variants(
            new Variant(FLOODED_THREE, keyEnv(100), WORKER_HEAP)
                .on(three)
                .producing(floodWorkload())
                .comparedTo(ALONE_THREE),
            new Variant(ALONE_THREE, keyEnv(100), WORKER_HEAP).on(three).producing(lateAlone())),
        false,
        floodTargets(FLOODED_THREE));
  }

  /** Requests of each tenant of {@link #weights()}: a finishes after 2,400 outcomes (48 s). */
  static final int WEIGHTS_A = 1800;

  static final int WEIGHTS_B = 900;

  /**
   * Tenants a and b, weights 3 and 1, both with all their requests produced at once: a's share of
   * the outcomes while both have work ({@code contended_share_a}) should be 3/4.
   */
  static Scenario weights() {
    Workload both =
        Workload.of(
            new Workload.Group("b", "normal"),
            Workload.Stream.burst("a", "normal", WEIGHTS_A, Duration.ZERO),
            Workload.Stream.burst("b", "normal", WEIGHTS_B, Duration.ZERO));
    return new Scenario(
        "weights",
        "C=100, D=2 s, QPS 83; TENANT_WEIGHTS=a=3,b=1; a produces "
            + WEIGHTS_A
            + " requests and b "
            + WEIGHTS_B
            + ", all at once; a's share of the outcomes while both have work",
        Kind.THROUGHPUT,
        pro83Sim(),
        WEIGHTS_A + WEIGHTS_B,
        variants(
            new Variant("a=3,b=1", with(keyEnv(100), "TENANT_WEIGHTS", "a=3,b=1"), WORKER_HEAP)
                .producing(both)),
        false,
        exactlyOnce(
            Target.atLeast("contended_share_a", 0.70),
            Target.atMost("contended_share_a", 0.80),
            Target.atMost("outcome_placement_mismatches", 0)));
  }

  /** The normal backlog of {@link #priority()}: 50 s of the plan's work, under PRIORITY_AGING. */
  static final int BACKLOG_N = 2500;

  /** The high-priority trickle: one request a second for 40 s, from 3 s into the backlog. */
  static final int TRICKLE_N = 40;

  static final String UNDER_BACKLOG = "high under backlog";

  static final String HIGH_ALONE = "high alone";

  /**
   * One tenant: 2,500 normal requests at once (50 s of the plan's work, so the backlog outlasts the
   * trickle and stays younger than PRIORITY_AGING's minute), and from 3 s a high-priority request
   * every second, 40 in all; then the trickle alone. The high requests' p99 under the backlog ÷
   * alone is {@code watched_p99_ratio}.
   */
  static Scenario priority() {
    Workload.Group high = new Workload.Group("a", "high");
    Workload.Stream trickle =
        Workload.Stream.trickle("a", "high", TRICKLE_N, Duration.ofSeconds(3), 1.0);
    return new Scenario(
        "priority",
        "C=100, D=2 s, QPS 83; one tenant: "
            + BACKLOG_N
            + " normal requests at once and from 3 s one high request a second ("
            + TRICKLE_N
            + "); then the trickle alone",
        Kind.THROUGHPUT,
        pro83Sim(),
        BACKLOG_N + TRICKLE_N,
        variants(
            new Variant(UNDER_BACKLOG, keyEnv(100), WORKER_HEAP)
                .producing(
                    Workload.of(
                        high,
                        Workload.Stream.burst("a", "normal", BACKLOG_N, Duration.ZERO),
                        trickle))
                .comparedTo(HIGH_ALONE),
            new Variant(HIGH_ALONE, keyEnv(100), WORKER_HEAP)
                .producing(Workload.of(high, trickle))),
        false,
        exactlyOnce(
            Target.atMost("watched_p99_ratio", 2.5).onlyFor(UNDER_BACKLOG),
            Target.atMost("outcome_placement_mismatches", 0)));
  }

  /** The baseline row of {@link #pro2s()} alone: Nimble's recommended loop at 83 calls/s. */
  static Scenario baselinePro2s() {
    return new Scenario(
        "baseline-pro-2s",
        "Nimble's recommended loop on pro-2s: batches of 100 every 10 s, every task polled every 5 s",
        Kind.THROUGHPUT,
        pro83Sim(),
        PRO_PAIRED_N,
        variants(Variant.recommendedLoop()),
        false,
        List.of());
  }

  // ---- concurrency only: QPS 1000, so the rate limit never binds ----

  /**
   * Pro plan, 2 s tasks, QPS 1000 (not binding): plan concurrency only. Paired: the worker
   * variants, then Nimble's recommended loop on the same simulator settings and the same N.
   */
  static Scenario pro2sConc() {
    return new Scenario(
        "pro-2s-conc",
        "concurrency only: C=100, D=2 s fixed, QPS 1000 (not binding); MAX_PENDING_TASKS = C and"
            + " 1.2 x C; then the recommended loop on the same simulator",
        Kind.THROUGHPUT,
        proSim(),
        PRO_PAIRED_N,
        variants(
            new Variant("pending=C", with(proEnv(), "MAX_PENDING_TASKS", "100"), WORKER_HEAP),
            new Variant("pending=1.2C", with(proEnv(), "MAX_PENDING_TASKS", "120"), WORKER_HEAP),
            Variant.recommendedLoop()),
        false,
        proTargets());
  }

  /**
   * As {@link #pro2sConc()} with a fault mix at the simulator: 5% of calls answered 5xx, 1% of
   * connections dropped, 50 ms added to every call. Both clients see the same faults.
   */
  static Scenario pro2sConcFaults() {
    return new Scenario(
        "pro-2s-conc-faults",
        "concurrency only: as pro-2s-conc with 5% 5xx, 1% dropped connections and 50 ms latency"
            + " at the simulator",
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

  /** As the worker rows of {@link #pro2sConc()}, with N = 5000: a longer steady part. */
  static Scenario pro2sConcLong() {
    return new Scenario(
        "pro-2s-conc-long",
        "concurrency only: as pro-2s-conc with N=5000, worker only",
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
    return exactlyOnce(Target.atLeast("slot_use", 0.95), Target.atMost("calls_per_task", 4));
  }

  /**
   * Pro plan, 2 s tasks, QPS 1000 (concurrency only), the four ways of talking to Nimble: callbacks
   * on or off, batch submission on or off. HTTP calls per task and completion-to-result latency
   * tell them apart.
   */
  static Scenario pro2sConcModes() {
    Sim sim = proSim();
    Map<String, String> common = with(proEnv(), "MAX_PENDING_TASKS", "100");
    Map<String, String> callbacks = callbacks(common);
    return new Scenario(
        "pro-2s-conc-modes",
        "concurrency only: C=100, D=2 s, QPS 1000, MAX_PENDING_TASKS = C: callbacks on/off x"
            + " batch submission on/off",
        Kind.THROUGHPUT,
        sim,
        1000,
        variants(
            new Variant("poll,batch", with(common, "BATCH_SUBMIT", "true"), WORKER_HEAP),
            new Variant("poll,single", with(common, "BATCH_SUBMIT", "false"), WORKER_HEAP),
            new Variant("callbacks,batch", with(callbacks, "BATCH_SUBMIT", "true"), WORKER_HEAP),
            new Variant("callbacks,single", with(callbacks, "BATCH_SUBMIT", "false"), WORKER_HEAP)),
        false,
        exactlyOnce(Target.atMost("calls_per_task", 4)));
  }

  /**
   * N of the paired starter-20s runs: the plan finishes 10 tasks every 20 s for both clients, so
   * each takes about N/0.5 s (1.7 min).
   */
  static final int STARTER_PAIRED_N = 50;

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
        false,
        exactlyOnce());
  }

  private static Sim starterSim() {
    return new Sim(10, "20s", Duration.ofSeconds(20), 83);
  }

  /**
   * Zero-length tasks: what the worker itself costs per request, from a fresh pod, and from a pod
   * that has run 20,000 requests first (its code compiled: what a pod that has run for a while
   * pays).
   */
  static Scenario fastPath() {
    Sim sim = new Sim(1000, "0", Duration.ZERO, 5000);
    Map<String, String> workerEnv =
        env(
            "NIMBLE_QPS", "5000",
            "NIMBLE_PLAN_TASKS", "1000",
            "NIMBLE_QUEUE_AHEAD_PERCENT", "0",
            "MAX_PENDING_TASKS", "1000",
            "TASK_EXPECTED_DURATION", "1ms",
            "POLL_MIN_INTERVAL", "10ms");
    return new Scenario(
        "fast-path",
        "C=1000, D=0, QPS 5000: the worker's own overhead (outcomes per worker CPU-second)",
        Kind.THROUGHPUT,
        sim,
        20000,
        variants(
            new Variant("pending=1000", workerEnv, WORKER_HEAP),
            new Variant("pending=1000, warm", workerEnv, WORKER_HEAP).warmedUpBy(20000)),
        true,
        exactlyOnce(Target.atLeast("outcomes_per_worker_cpu_s", 2000)));
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
        "NIMBLE_PLAN_TASKS", "100000",
        "NIMBLE_QUEUE_AHEAD_PERCENT", "0",
        "MAX_PENDING_TASKS", "100000",
        "TASK_EXPECTED_DURATION", "1h",
        "POLL_MAX_INTERVAL", "1h",
        "SHUTDOWN_GRACE_PERIOD", "0s");
  }

  /**
   * The baseline row of {@link #pro2sConc()} alone: Nimble's recommended loop at QPS 1000, without
   * Kafka; batches of 100 submissions 10 s apart, every pending task polled every 5 s.
   */
  static Scenario baselinePro2sConc() {
    return new Scenario(
        "baseline-pro-2s-conc",
        "concurrency only: Nimble's recommended loop on pro-2s-conc",
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

  /** The worker's callbacks on: Nimble calls {@code /callbacks} on the worker's own port. */
  private static Map<String, String> callbacks(Map<String, String> base) {
    return with(
        with(base, "CALLBACK_BASE_URL", "http://127.0.0.1:{http_port}"),
        "CALLBACK_SECRET",
        "bench-callback-secret-0123456789");
  }

  private static Map<String, String> with(Map<String, String> base, String name, String value) {
    Map<String, String> env = new LinkedHashMap<>(base);
    env.put(name, value);
    return env;
  }
}
