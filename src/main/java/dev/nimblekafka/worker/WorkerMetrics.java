package dev.nimblekafka.worker;

import dev.nimblekafka.fleet.KeyBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/** The worker's own meters (Resilience4j and Kafka clients bind their own). */
public final class WorkerMetrics {
  /** The latency buckets of the Nimble calls, for p50/p99 by operation in dashboards. */
  private static final Duration[] CALL_BUCKETS = {
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  /** The codes of the failure contract (failure.schema.json): the failures' outcome labels. */
  static final List<String> FAILURE_CODES =
      List.of(
          "EMPTY_REQUEST",
          "INVALID_ENCODING",
          "INVALID_JSON",
          "MISSING_FIELD",
          "INVALID_FIELD",
          "LIMIT_EXCEEDED",
          "AMBIGUOUS_REQUEST",
          "INVALID_REQUEST",
          "NOT_FOUND",
          "REJECTED",
          "TASK_FAILED",
          "TASK_EXPIRED",
          "RESULT_TOO_LARGE",
          "INVALID_RESULT",
          "BUDGET_EXCEEDED",
          "CANCELED",
          "FORBIDDEN");

  /** What becomes of a callback: the outcome labels of {@code nimble_worker_callbacks}. */
  static final List<String> CALLBACK_OUTCOMES =
      List.of(
          "accepted",
          "error",
          "forged",
          "forward_dropped",
          "forward_failed",
          "forwarded",
          "method",
          "too_large",
          "unreadable",
          "early",
          "hint",
          "not_owned",
          "unknown_task");

  /**
   * The Nimble calls the worker makes: the operation labels of {@code nimble_worker_nimble_calls}.
   */
  static final List<String> CALL_OPERATIONS =
      List.of("submit", "batch", "status", "results", "list");

  private final MeterRegistry registry;
  private final Counter consumed;
  private final Counter duplicates;
  private final Counter resubmitted;
  private final Counter droppedOnRevoke;
  private final Counter unknownVersions;
  private final Counter unreadableState;
  private final Timer commits;
  private final Timer completionToResult;
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
  private final Map<String, Counter> crawlPages = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Counter> reconciliations = new ConcurrentHashMap<>();
  private final Map<String, Timer> calls = new ConcurrentHashMap<>();
  private final Map<String, Timer> callbackPaths = new ConcurrentHashMap<>();
  private final Map<String, Counter> callbacks = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> registeredPartitions = new ConcurrentHashMap<>();

  public WorkerMetrics(MeterRegistry registry, WorkerStatus status) {
    this.registry = registry;
    this.consumed =
        Counter.builder("nimble_worker_requests_consumed")
            .description("Request records consumed")
            .register(registry);
    this.duplicates =
        Counter.builder("nimble_worker_requests_duplicate")
            .description("Requests not submitted because their id was already pending")
            .register(registry);
    this.resubmitted =
        Counter.builder("nimble_worker_tasks_resubmitted")
            .description("Tasks created again after Nimble reported the previous one failed")
            .register(registry);
    this.droppedOnRevoke =
        Counter.builder("nimble_worker_submissions_orphaned")
            .description("Tasks created for a partition this worker lost before recording them")
            .register(registry);
    this.commits =
        Timer.builder("nimble_worker_commit")
            .description("Time to commit outputs, state and offsets together")
            .publishPercentileHistogram()
            .register(registry);
    this.completionToResult =
        Timer.builder("nimble_worker_completion_to_result")
            .description("From Nimble finishing a task to its outcome being published")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder("nimble_worker_requests_queued", status, WorkerStatus::queued)
        .description("Valid requests waiting for capacity to be submitted")
        .register(registry);
    Gauge.builder("nimble_worker_tasks_in_flight", status, WorkerStatus::slotsUsed)
        .description("Tasks occupying a concurrent-task slot at Nimble")
        .register(registry);
    Gauge.builder("nimble_worker_submissions_at_risk", status, WorkerStatus::atRisk)
        .description(
            "Submissions a crash now would not remember (in flight, or recorded since the last"
                + " commit): the most duplicate tasks a crash can cause")
        .register(registry);
    Gauge.builder("nimble_worker_restored_tasks", status, WorkerStatus::restoredTasks)
        .description("Pending tasks taken over from the state topic since start")
        .register(registry);
    Gauge.builder("nimble_worker_partitions_restoring", status, WorkerStatus::restoringPartitions)
        .description("Assigned request partitions whose state is still being read back")
        .register(registry);
    Gauge.builder("nimble_worker_partitions_assigned", status, WorkerStatus::assignedPartitions)
        .description("Request partitions assigned to this worker")
        .register(registry);
    Gauge.builder("nimble_worker_partitions_paused", status, WorkerStatus::pausedPartitions)
        .description("Request partitions not being fetched (restoring, or paused for a reason)")
        .register(registry);
    Gauge.builder("nimble_worker_requests_held_bytes", status, WorkerStatus::heldBytes)
        .description("Bytes of the requests held (value, key, headers, 1 KiB each besides)")
        .register(registry);
    Gauge.builder("nimble_worker_partitions_held_back", status, s -> s.heldBack().size())
        .description(
            "Request partitions held back: a state record of an unknown version, or requests"
                + " still to be read back while MAX_PENDING_BYTES is reached")
        .register(registry);
    this.unknownVersions =
        Counter.builder("nimble_worker_state_unknown_versions")
            .description("State records of a version this worker cannot read (partition held back)")
            .register(registry);
    this.unreadableState =
        Counter.builder("nimble_worker_state_unreadable")
            .description("State records that are not state records at all, skipped")
            .register(registry);
    for (PauseReason reason : PauseReason.values()) {
      Gauge.builder("nimble_worker_paused", status, s -> s.pauseReason() == reason ? 1 : 0)
          .description("1 while request fetching is paused for this reason")
          .tag("reason", reason.code())
          .register(registry);
    }
    this.statusForGauges = status;
    for (String outcome : List.of("found", "not_found")) {
      reconciliations.computeIfAbsent(outcome, this::reconciliationCounter);
    }
    // the series alerts, dashboards and autoscalers read exist, at zero, before the first event
    outcomes.computeIfAbsent("results|OK", key -> outcomeCounter("results", "OK"));
    for (String code : FAILURE_CODES) {
      outcomes.computeIfAbsent("failures|" + code, key -> outcomeCounter("failures", code));
    }
    for (String outcome : CALLBACK_OUTCOMES) {
      callbacks.computeIfAbsent(outcome, this::callbackCounter);
    }
    for (String operation : CALL_OPERATIONS) {
      calls.computeIfAbsent(operation + "|ok", key -> callTimer(operation, "ok"));
    }
  }

  private final WorkerStatus statusForGauges;

  public MeterRegistry registry() {
    return registry;
  }

  void unknownStateVersion() {
    unknownVersions.increment();
  }

  void unreadableState(int count) {
    unreadableState.increment(count);
  }

  void consumed() {
    consumed.increment();
  }

  void duplicate() {
    duplicates.increment();
  }

  void resubmitted() {
    resubmitted.increment();
  }

  void orphaned() {
    droppedOnRevoke.increment();
  }

  public void commit(Duration took) {
    commits.record(took);
  }

  void completionToResult(Duration took) {
    if (!took.isNegative()) {
      completionToResult.record(took);
    }
  }

  void outcome(String topic, String code) {
    outcomes.computeIfAbsent(topic + "|" + code, key -> outcomeCounter(topic, code)).increment();
  }

  /** A crawl's page record committed, by its outcome ({@code OK} or the page's error code). */
  void crawlPage(String code) {
    crawlPages.computeIfAbsent(code, this::crawlPageCounter).increment();
  }

  private Counter crawlPageCounter(String code) {
    return Counter.builder("nimble_worker_crawl_pages")
        .description("Page records of crawls published, by error code (OK when the page succeeded)")
        .tag("code", code)
        .register(registry);
  }

  /** A cancel record was read: {@code canceled}, {@code unknown} or {@code not_a_crawl}. */
  void cancel(String result) {
    Counter.builder("nimble_worker_cancels")
        .description("Cancel records read, by what they did")
        .tag("result", result)
        .register(registry)
        .increment();
  }

  /** A read of a crawl found its pages listed in another order than before. */
  void crawlOrderChanged() {
    Counter.builder("nimble_worker_crawl_order_changes")
        .description("Reads of a crawl that listed the pages already seen in another order")
        .register(registry)
        .increment();
  }

  private Counter outcomeCounter(String topic, String code) {
    return Counter.builder("nimble_worker_outcomes")
        .description("Outcomes published, by topic and error code")
        .tag("topic", topic)
        .tag("code", code)
        .register(registry);
  }

  /**
   * A lost create answer looked up in Nimble's recent tasks: {@code found} or {@code not_found}.
   */
  void reconciled(String outcome) {
    reconciliations.computeIfAbsent(outcome, this::reconciliationCounter).increment();
  }

  private Counter reconciliationCounter(String outcome) {
    return Counter.builder("nimble_worker_reconciliations")
        .description(
            "Creates whose answer was lost, looked up in Nimble's recent tasks, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** A callback by what became of it (accepted, forwarded, forged, too_large, unreadable, ...). */
  public void callback(String outcome) {
    callbacks.computeIfAbsent(outcome, this::callbackCounter).increment();
  }

  private Counter callbackCounter(String outcome) {
    return Counter.builder("nimble_worker_callbacks")
        .description("Callbacks received, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** One stage of a callback's way to its result ({@link CallbackPath}). */
  void callbackPath(String stage, long nanos) {
    callbackPaths
        .computeIfAbsent(stage, this::callbackPathTimer)
        .record(Duration.ofNanos(Math.max(0, nanos)));
  }

  private Timer callbackPathTimer(String stage) {
    return Timer.builder("nimble_worker_callback_path")
        .description(
            "A callback's way to its result, by stage: delivered (Nimble finished the task to the"
                + " callback received, on Nimble's clock), loop (to handled), pace (to the results"
                + " call going out), call (to its answer), back (to the result published)")
        .tag("stage", stage)
        .publishPercentileHistogram()
        .register(registry);
  }

  /**
   * One Nimble call: operation (submit, batch, status, results, list) and outcome (HTTP status or
   * error).
   */
  void call(String operation, String outcome, long nanos) {
    calls
        .computeIfAbsent(operation + "|" + outcome, key -> callTimer(operation, outcome))
        .record(Duration.ofNanos(nanos));
  }

  private Timer callTimer(String operation, String outcome) {
    return Timer.builder("nimble_worker_nimble_calls")
        .description("Calls to Nimble by operation and outcome")
        .tag("operation", operation)
        .tag("outcome", outcome)
        // a few fixed buckets (not the percentile histogram): operation x outcome makes many
        // series already
        .serviceLevelObjectives(CALL_BUCKETS)
        .register(registry);
  }

  /** The outcome tag of a Nimble call: {@code ok}, the HTTP status, or the error code. */
  static String outcomeOf(Throwable failure) {
    if (failure == null) {
      return "ok";
    }
    dev.nimblekafka.nimble.NimbleException error =
        dev.nimblekafka.nimble.NimbleException.of(failure);
    return error.httpStatus() > 0
        ? Integer.toString(error.httpStatus())
        : error.code().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The pod's share of the key: the tasks it may keep at Nimble (so that alerts and dashboards can
   * set the slots used against it), its calls per second, the pods sharing the key, and how far
   * 429s slowed it down.
   */
  void keyShare(KeyBudget budget, IntSupplier pods) {
    Gauge.builder("nimble_worker_tasks_limit", budget, KeyBudget::tasks)
        .description(
            "Most tasks this worker may keep at Nimble now: its share of the plan's"
                + " (NIMBLE_PLAN_TASKS, plus NIMBLE_QUEUE_AHEAD_PERCENT), at most"
                + " MAX_PENDING_TASKS")
        .register(registry);
    Gauge.builder("nimble_worker_key_calls_per_second", budget, KeyBudget::callsPerSecond)
        .description(
            "Calls per second this worker may make now: its share of NIMBLE_QPS, after any"
                + " slowing down on 429s")
        .register(registry);
    Gauge.builder("nimble_worker_key_pods", pods, IntSupplier::getAsInt)
        .description("Workers sharing the Nimble key, as last read from the consumer group")
        .register(registry);
    Gauge.builder("nimble_worker_key_slowdown", budget, KeyBudget::slowdown)
        .description("How far 429s slowed this worker's calls down: 1 is not at all")
        .register(registry);
    FunctionCounter.builder("nimble_worker_key_cuts", budget, KeyBudget::cuts)
        .description("Times Nimble's answers (429, or no calls left) cut this worker's rate")
        .register(registry);
  }

  /** Registers the per-partition pending gauge the first time a partition is seen. */
  void partitionSeen(int partition) {
    if (registeredPartitions.putIfAbsent(partition, partition) == null) {
      Gauge.builder("nimble_worker_tasks_pending", statusForGauges, s -> s.pendingIn(partition))
          .description("Requests held by this worker (queued or at Nimble), per partition")
          .tag("partition", Integer.toString(partition))
          .register(registry);
    }
  }
}
