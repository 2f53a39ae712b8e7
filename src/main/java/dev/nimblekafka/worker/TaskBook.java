package dev.nimblekafka.worker;

import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.TaskPhase;
import dev.nimblekafka.task.TaskTimers;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Every request this worker holds: by partition, in the submission queue, and on the check timers,
 * with the count of tasks that occupy one of the plan's concurrent slots at Nimble. Used by the
 * consume loop's thread only.
 */
final class TaskBook {
  final Deque<PendingTask> queue = new ArrayDeque<>();
  final TaskTimers timers = new TaskTimers();
  private final Map<Integer, PartitionState> partitions = new HashMap<>();
  private final WorkerMetrics metrics;
  private int slotsUsed;

  TaskBook(WorkerMetrics metrics) {
    this.metrics = metrics;
  }

  PartitionState add(int partition, long epoch) {
    PartitionState state = new PartitionState(partition, epoch);
    partitions.put(partition, state);
    metrics.partitionSeen(partition);
    return state;
  }

  PartitionState partition(int partition) {
    return partitions.get(partition);
  }

  Collection<PartitionState> partitions() {
    return partitions.values();
  }

  /** Forgets a partition: its tasks belong to the next owner now. */
  void drop(int partition) {
    PartitionState state = partitions.remove(partition);
    if (state == null) {
      return;
    }
    for (PendingTask task : state.tasks.values()) {
      // DONE makes the timers and any late HTTP answer skip it
      move(task, TaskPhase.DONE);
    }
    queue.removeIf(task -> task.partition() == partition);
  }

  /** Moves a task to its next phase, keeping the count of occupied slots. */
  void move(PendingTask task, TaskPhase next) {
    boolean before = task.phase().occupiesSlot();
    task.moveTo(next);
    boolean after = next.occupiesSlot();
    if (before != after) {
      slotsUsed += after ? 1 : -1;
    }
  }

  /** Counts a task restored in a phase that occupies a slot. */
  void adopt(PendingTask task) {
    if (task.phase().occupiesSlot()) {
      slotsUsed++;
    }
  }

  /** Whether an answer about this task still matters: same ownership, same task. */
  boolean current(PendingTask task, long epoch) {
    PartitionState state = partitions.get(task.partition());
    return state != null && state.epoch == epoch && state.tasks.get(task.requestId()) == task;
  }

  int slotsUsed() {
    return slotsUsed;
  }

  /** Submissions still in flight for a partition. */
  int submittingIn(int partition) {
    PartitionState state = partitions.get(partition);
    if (state == null) {
      return 0;
    }
    int count = 0;
    for (PendingTask task : state.tasks.values()) {
      if (task.phase() == TaskPhase.SUBMITTING) {
        count++;
      }
    }
    return count;
  }
}
