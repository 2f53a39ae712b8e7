package dev.nimblekafka.sim;

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
        store.size());
  }

  void reset() {
    calls.clear();
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
          storageWrites
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
    return root;
  }
}
