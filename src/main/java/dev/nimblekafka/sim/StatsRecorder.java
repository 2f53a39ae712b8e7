package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The simulator's counters; cheap to bump from many threads. */
final class StatsRecorder {
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, LongAdder>> calls =
      new ConcurrentHashMap<>();
  final LongAdder tasksCreated = new LongAdder();
  final LongAdder tasksCompleted = new LongAdder();
  final LongAdder tasksFailed = new LongAdder();
  final LongAdder tasksExpired = new LongAdder();
  final LongAdder duplicateInputs = new LongAdder();
  final LongAdder duplicateInputsLive = new LongAdder();
  final LongAdder callbacksSent = new LongAdder();
  final LongAdder callbacksFailed = new LongAdder();
  final LongAdder storageWrites = new LongAdder();
  final LongAdder crawlsCreated = new LongAdder();
  final LongAdder crawlsSucceeded = new LongAdder();
  final LongAdder crawlsFailed = new LongAdder();
  final LongAdder crawlsCanceled = new LongAdder();
  final LongAdder crawlPagesCreated = new LongAdder();
  final LongAdder crawlPagesCompleted = new LongAdder();
  final LongAdder crawlPagesFailed = new LongAdder();
  final LongAdder crawlPagesCanceled = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> completedByHost = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> completedByDriver = new ConcurrentHashMap<>();

  /** Hosts (and drivers) counted apart at most; the rest count as {@value #OTHER}. */
  static final int MAX_KEYS = 10_000;

  static final String OTHER = "(other)";

  /** A task completed: counted by the host of its page and the driver it ran on. */
  void completed(String host, String driver) {
    count(completedByHost, host);
    count(completedByDriver, driver);
  }

  private static void count(ConcurrentHashMap<String, LongAdder> counts, String key) {
    LongAdder adder = counts.get(key);
    if (adder == null) {
      adder = counts.computeIfAbsent(counts.size() < MAX_KEYS ? key : OTHER, k -> new LongAdder());
    }
    adder.increment();
  }

  private static Map<String, Long> sums(ConcurrentHashMap<String, LongAdder> counts) {
    Map<String, Long> sums = new TreeMap<>();
    counts.forEach((key, n) -> sums.put(key, n.sum()));
    return sums;
  }

  /** Counts one API call to {@code endpoint} answered with {@code outcome}. */
  void call(String endpoint, String outcome) {
    calls
        .computeIfAbsent(endpoint, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(outcome, k -> new LongAdder())
        .increment();
  }

  void created(TaskStore.Duplicate duplicate) {
    tasksCreated.increment();
    if (duplicate != TaskStore.Duplicate.NONE) {
      duplicateInputs.increment();
    }
    if (duplicate == TaskStore.Duplicate.OF_LIVE) {
      duplicateInputsLive.increment();
    }
  }

  SimStats snapshot(TaskRunner runner, TaskStore store) {
    Map<String, Map<String, Long>> byEndpoint = new TreeMap<>();
    calls.forEach(
        (endpoint, outcomes) -> {
          Map<String, Long> counts = new TreeMap<>();
          outcomes.forEach((outcome, n) -> counts.put(outcome, n.sum()));
          byEndpoint.put(endpoint, Map.copyOf(counts));
        });
    return new SimStats(
        byEndpoint,
        tasksCreated.sum(),
        tasksCompleted.sum(),
        tasksFailed.sum(),
        tasksExpired.sum(),
        duplicateInputs.sum(),
        duplicateInputsLive.sum(),
        runner.running(),
        runner.peak(),
        runner.queued(),
        callbacksSent.sum(),
        callbacksFailed.sum(),
        storageWrites.sum(),
        store.size(),
        sums(completedByHost),
        sums(completedByDriver),
        runner.slotUse(),
        new SimStats.Crawls(
            crawlsCreated.sum(),
            crawlsSucceeded.sum(),
            crawlsFailed.sum(),
            crawlsCanceled.sum(),
            crawlPagesCreated.sum(),
            crawlPagesCompleted.sum(),
            crawlPagesFailed.sum(),
            crawlPagesCanceled.sum()));
  }

  void reset() {
    calls.clear();
    completedByHost.clear();
    completedByDriver.clear();
    for (LongAdder adder :
        new LongAdder[] {
          tasksCreated,
          tasksCompleted,
          tasksFailed,
          tasksExpired,
          duplicateInputs,
          duplicateInputsLive,
          callbacksSent,
          callbacksFailed,
          storageWrites,
          crawlsCreated,
          crawlsSucceeded,
          crawlsFailed,
          crawlsCanceled,
          crawlPagesCreated,
          crawlPagesCompleted,
          crawlPagesFailed,
          crawlPagesCanceled
        }) {
      adder.reset();
    }
  }

  /** The JSON of {@code GET /sim/stats}. */
  static ObjectNode toJson(SimStats s) {
    ObjectNode root = Json.object();
    ObjectNode calls = root.putObject("calls");
    new TreeMap<>(s.calls())
        .forEach(
            (endpoint, outcomes) -> {
              ObjectNode node = calls.putObject(endpoint);
              new TreeMap<>(outcomes).forEach(node::put);
            });
    root.put("tasks_created", s.tasksCreated());
    root.put("tasks_completed", s.tasksCompleted());
    root.put("tasks_failed", s.tasksFailed());
    root.put("tasks_expired", s.tasksExpired());
    root.put("duplicate_inputs", s.duplicateInputs());
    root.put("duplicate_inputs_live", s.duplicateInputsLive());
    root.put("running_now", s.runningNow());
    root.put("running_peak", s.runningPeak());
    root.put("queued_now", s.queuedNow());
    root.put("callbacks_sent", s.callbacksSent());
    root.put("callbacks_failed", s.callbacksFailed());
    root.put("storage_writes", s.storageWrites());
    root.put("tasks_stored", s.tasksStored());
    ObjectNode byHost = root.putObject("tasks_completed_by_host");
    new TreeMap<>(s.completedByHost()).forEach(byHost::put);
    ObjectNode byDriver = root.putObject("tasks_completed_by_driver");
    new TreeMap<>(s.completedByDriver()).forEach(byDriver::put);
    slotUse(root, s.slotUse());
    SimStats.Crawls crawls = s.crawls();
    root.put("crawls_created", crawls.created());
    root.put("crawls_succeeded", crawls.succeeded());
    root.put("crawls_failed", crawls.failed());
    root.put("crawls_canceled", crawls.canceled());
    root.put("crawl_pages_created", crawls.pagesCreated());
    root.put("crawl_pages_completed", crawls.pagesCompleted());
    root.put("crawl_pages_failed", crawls.pagesFailed());
    root.put("crawl_pages_canceled", crawls.pagesCanceled());
    return root;
  }

  private static void slotUse(ObjectNode root, SlotUse use) {
    root.put("slots", use.slots());
    root.put("busy_slot_seconds", use.busySlotMillis() / 1000.0);
    root.put("slot_wait_seconds", use.waitMillis() / 1000.0);
    root.put("task_seconds", use.taskMillis() / 1000.0);
    root.put("longest_task_seconds", use.longestTaskMillis() / 1000.0);
    root.put("makespan_seconds", use.makespanMillis() / 1000.0);
    root.put("makespan_lower_bound_seconds", use.makespanLowerBoundMillis() / 1000.0);
    double slotUse = use.slotUse();
    if (Double.isNaN(slotUse)) {
      root.putNull("slot_use");
    } else {
      root.put("slot_use", slotUse);
    }
    double backlog = use.backlogSlotUse();
    if (Double.isNaN(backlog)) {
      root.putNull("backlog_slot_use");
    } else {
      root.put("backlog_slot_use", backlog);
    }
    putTime(root, "first_created_at", use.firstCreatedAt());
    putTime(root, "last_started_at", use.lastStartedAt());
    putTime(root, "last_ended_at", use.lastEndedAt());
    ArrayNode seconds = root.putArray("slots_by_second");
    for (SlotUse.Second second : use.seconds()) {
      seconds
          .addObject()
          .put("second", second.epochSecond())
          .put("busy", second.busySlotMillis() / 1000.0)
          .put("waiting", second.waitMillis() / 1000.0);
    }
  }

  private static void putTime(ObjectNode root, String name, long epochMillis) {
    if (epochMillis < 0) {
      root.putNull(name);
    } else {
      root.put(name, epochMillis);
    }
  }
}
