package dev.nimblekafka.task;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Tasks ordered by when they are next due for a status check. A task rescheduled or finished is
 * dropped lazily: an entry counts only if the task's due time still matches it.
 */
final class TaskTimers {
  private record Entry(long dueAt, PendingTask task) {}

  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueAt, b.dueAt));

  void schedule(PendingTask task, long dueAt) {
    task.dueAt(dueAt);
    queue.add(new Entry(dueAt, task));
  }

  /** Removes and returns up to {@code max} tasks due at {@code now}, still waiting. */
  List<PendingTask> due(long now, int max) {
    List<PendingTask> due = new ArrayList<>();
    java.util.Set<PendingTask> taken =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    while (due.size() < max && !queue.isEmpty() && queue.peek().dueAt <= now) {
      Entry entry = queue.poll();
      PendingTask task = entry.task;
      // a task scheduled for the same moment twice (again after another time) goes out once
      if (task.dueAt() == entry.dueAt && task.phase() == TaskPhase.WAITING && taken.add(task)) {
        due.add(task);
      }
    }
    return due;
  }

  /** Milliseconds until the next entry is due, or -1 when none. */
  long nextDueIn(long now) {
    Entry head = queue.peek();
    return head == null ? -1 : Math.max(0, head.dueAt - now);
  }

  /** Drops entries of tasks that are no longer waiting, so the queue does not grow unbounded. */
  void compact() {
    queue.removeIf(
        entry -> entry.task.dueAt() != entry.dueAt || entry.task.phase() != TaskPhase.WAITING);
  }

  int size() {
    return queue.size();
  }
}
