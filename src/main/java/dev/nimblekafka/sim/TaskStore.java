package dev.nimblekafka.sim;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Holds tasks and batches until they are gone: tasks by id and in creation order (for {@code GET
 * /v1/tasks}), batches by id, and the latest task per input (to count duplicate submissions).
 *
 * <p>A task is gone when it never started within the pending expiry, or when the retention has
 * passed since it finished. Lookups treat gone tasks as absent at once; {@link #sweep} removes them
 * from memory periodically. A batch is gone when all its tasks are.
 */
final class TaskStore {
  /** How far back the duplicate check walks a chain of earlier identical tasks. */
  private static final int MAX_CHAIN = 64;

  private final ConcurrentHashMap<String, SimTask> byId = new ConcurrentHashMap<>(1 << 12);
  private final ConcurrentSkipListMap<Long, SimTask> bySeq = new ConcurrentSkipListMap<>();
  private final ConcurrentHashMap<String, SimBatch> batches = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<InputKey, SimTask> latestByInput = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final long pendingExpiryMillis;
  private final long retentionMillis;

  TaskStore(long pendingExpiryMillis, long retentionMillis) {
    this.pendingExpiryMillis = pendingExpiryMillis;
    this.retentionMillis = retentionMillis;
  }

  /** What {@link #add} found about earlier tasks with the same input. */
  enum Duplicate {
    NONE,
    /** An earlier identical task exists, but every one of them failed or expired. */
    OF_FAILED,
    /** An earlier identical task is queued, running or completed: work charged twice. */
    OF_LIVE
  }

  long nextSeq() {
    return sequence.incrementAndGet();
  }

  Duplicate add(SimTask task) {
    byId.put(task.id, task);
    bySeq.put(task.seq, task);
    SimTask previous = latestByInput.put(task.inputKey, task);
    task.previousSameInput = previous;
    if (previous == null) {
      return Duplicate.NONE;
    }
    SimTask p = previous;
    for (int i = 0; p != null && i < MAX_CHAIN; i++, p = p.previousSameInput) {
      Phase phase = p.phase();
      if (phase != Phase.FAILED && phase != Phase.EXPIRED) {
        return Duplicate.OF_LIVE;
      }
    }
    return Duplicate.OF_FAILED;
  }

  void addBatch(SimBatch batch) {
    batches.put(batch.id(), batch);
  }

  /** The task, or null if it never existed or is gone. */
  SimTask get(String id, long now) {
    SimTask task = byId.get(id);
    return task == null || isGone(task, now) ? null : task;
  }

  /** The batch, or null if it never existed or all its tasks are gone. */
  SimBatch batch(String id, long now) {
    SimBatch batch = batches.get(id);
    if (batch == null) {
      return null;
    }
    for (SimTask task : batch.tasks()) {
      if (!isGone(task, now)) {
        return batch;
      }
    }
    return null;
  }

  boolean isGone(SimTask task, long now) {
    return switch (task.phase()) {
      case QUEUED -> now - task.createdAt >= pendingExpiryMillis;
      case RUNNING -> false;
      case COMPLETED, FAILED -> now - task.finishedAt() >= retentionMillis;
      case EXPIRED -> true;
    };
  }

  boolean isPendingExpired(SimTask task, long now) {
    return task.phase() == Phase.QUEUED && now - task.createdAt >= pendingExpiryMillis;
  }

  /** A page of tasks, newest first, starting at sequence {@code fromSeq} (inclusive). */
  Page list(long fromSeq, int limit, long now) {
    ConcurrentNavigableMap<Long, SimTask> older = bySeq.headMap(fromSeq, true).descendingMap();
    List<SimTask> page = new ArrayList<>(Math.min(limit, 1024));
    for (Iterator<SimTask> it = older.values().iterator(); it.hasNext(); ) {
      SimTask task = it.next();
      if (isGone(task, now)) {
        continue;
      }
      if (page.size() == limit) {
        return new Page(page, true, task.seq);
      }
      page.add(task);
    }
    return new Page(page, false, 0);
  }

  /** The creation sequence of a held task, or -1. */
  long seqOf(String taskId) {
    SimTask task = byId.get(taskId);
    return task == null ? -1 : task.seq;
  }

  int size() {
    return byId.size();
  }

  /** Forgets which inputs were seen, so duplicates count among tasks created from now on. */
  void forgetInputs() {
    latestByInput.clear();
  }

  /**
   * Removes gone tasks and batches. {@code onPendingExpired} is told of each queued task that
   * expired here, after it was moved to EXPIRED.
   */
  int sweep(long now, Consumer<SimTask> onPendingExpired) {
    int removed = 0;
    for (SimTask task : byId.values()) {
      if (isPendingExpired(task, now) && task.expire(now)) {
        onPendingExpired.accept(task);
      }
      if (isGone(task, now)) {
        remove(task);
        removed++;
      }
    }
    for (Map.Entry<String, SimBatch> e : batches.entrySet()) {
      if (batch(e.getKey(), now) == null) {
        batches.remove(e.getKey(), e.getValue());
      }
    }
    return removed;
  }

  private void remove(SimTask task) {
    byId.remove(task.id, task);
    bySeq.remove(task.seq, task);
    latestByInput.remove(task.inputKey, task);
    task.previousSameInput = null;
  }

  /** Tasks of one page and where the next page starts. */
  record Page(List<SimTask> tasks, boolean hasNext, long nextSeq) {}
}
