package dev.nimblekafka.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Tasks ordered by when they are next due for a status check. A task rescheduled or finished is
 * dropped lazily: an entry counts only if the task's due time still matches it.
 *
 * <p>A binary min-heap of entries kept in two parallel arrays (due time, task), so an entry costs
 * twelve bytes and no object of its own; it orders entries as {@link java.util.PriorityQueue}
 * would.
 */
final class TaskTimers {
  private long[] dueAts = new long[16];
  private PendingTask[] tasks = new PendingTask[16];
  private int size;

  void schedule(PendingTask task, long dueAt) {
    task.dueAt(dueAt);
    if (size == tasks.length) {
      int capacity = size < 64 ? size * 2 + 2 : size + (size >> 1);
      dueAts = Arrays.copyOf(dueAts, capacity);
      tasks = Arrays.copyOf(tasks, capacity);
    }
    siftUp(size++, dueAt, task);
  }

  /** Removes and returns up to {@code max} tasks due at {@code now}, still waiting. */
  List<PendingTask> due(long now, int max) {
    List<PendingTask> due = new ArrayList<>();
    Set<PendingTask> taken = Collections.newSetFromMap(new IdentityHashMap<>());
    while (due.size() < max && size > 0 && dueAts[0] <= now) {
      long dueAt = dueAts[0];
      PendingTask task = tasks[0];
      poll();
      // a task scheduled for the same moment twice (again after another time) goes out once
      if (task.dueAt() == dueAt && task.phase() == TaskPhase.WAITING && taken.add(task)) {
        due.add(task);
      }
    }
    return due;
  }

  /** Milliseconds until the next entry is due, or -1 when none. */
  long nextDueIn(long now) {
    return size == 0 ? -1 : Math.max(0, dueAts[0] - now);
  }

  /** Drops entries of tasks that are no longer waiting, so the heap does not grow unbounded. */
  void compact() {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      PendingTask task = tasks[i];
      if (task.dueAt() == dueAts[i] && task.phase() == TaskPhase.WAITING) {
        dueAts[kept] = dueAts[i];
        tasks[kept++] = task;
      }
    }
    Arrays.fill(tasks, kept, size, null);
    size = kept;
    for (int i = (size >>> 1) - 1; i >= 0; i--) {
      siftDown(i, dueAts[i], tasks[i]);
    }
  }

  int size() {
    return size;
  }

  private void poll() {
    int last = --size;
    long dueAt = dueAts[last];
    PendingTask task = tasks[last];
    tasks[last] = null;
    if (last > 0) {
      siftDown(0, dueAt, task);
    }
  }

  private void siftUp(int at, long dueAt, PendingTask task) {
    int k = at;
    while (k > 0) {
      int parent = (k - 1) >>> 1;
      if (dueAt >= dueAts[parent]) {
        break;
      }
      dueAts[k] = dueAts[parent];
      tasks[k] = tasks[parent];
      k = parent;
    }
    dueAts[k] = dueAt;
    tasks[k] = task;
  }

  private void siftDown(int at, long dueAt, PendingTask task) {
    int k = at;
    int half = size >>> 1;
    while (k < half) {
      int child = (k << 1) + 1;
      int right = child + 1;
      if (right < size && dueAts[child] > dueAts[right]) {
        child = right;
      }
      if (dueAt <= dueAts[child]) {
        break;
      }
      dueAts[k] = dueAts[child];
      tasks[k] = tasks[child];
      k = child;
    }
    dueAts[k] = dueAt;
    tasks[k] = task;
  }
}
