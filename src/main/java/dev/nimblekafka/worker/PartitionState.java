package dev.nimblekafka.worker;

import dev.nimblekafka.task.PendingTask;
import java.util.HashMap;
import java.util.Map;

/** What the worker holds for one owned requests partition. */
final class PartitionState {
  final int partition;
  final long epoch;
  final Map<String, PendingTask> tasks = new HashMap<>();

  /** The same tasks by their current Nimble task id, for callbacks. */
  final Map<String, PendingTask> byTaskId = new HashMap<>();

  final OffsetTracker offsets = new OffsetTracker();
  boolean restored;
  long lastCommitted = -1;

  PartitionState(int partition, long epoch) {
    this.partition = partition;
    this.epoch = epoch;
  }
}
