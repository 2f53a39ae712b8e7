package dev.nimblekafka.worker;

import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.TaskPhase;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells a 403 that refuses one request (Nimble's answer to a premium-only option, say) from one
 * that refuses the account. A request refused once is tried again only after another request was
 * tried; a request refused again after Nimble accepted another one since its first refusal is
 * refused for itself, and fails alone. While every request is refused, the account is: submissions
 * pause, and the probe that asks again rotates through the queue, so no single request holds the
 * pod.
 */
final class Refusals {
  /** The acceptance count when each request was last refused. */
  private final Map<PendingTask, Long> refusedAt = new IdentityHashMap<>();

  private long acceptances;

  /** Nimble created a task. */
  void accepted() {
    acceptances++;
    if (!refusedAt.isEmpty()) {
      refusedAt.keySet().removeIf(t -> t.phase() == TaskPhase.DONE);
    }
  }

  /**
   * Nimble refused {@code task} with a 403; returns whether the refusal is the request's own (it
   * was refused before, and another request was accepted since).
   */
  boolean refused(PendingTask task) {
    refusedAt.keySet().removeIf(t -> t.phase() == TaskPhase.DONE);
    Long before = refusedAt.put(task, acceptances);
    if (before != null && acceptances > before) {
      refusedAt.remove(task);
      return true;
    }
    return false;
  }

  /** Requests refused since the last acceptance (how many different ones the account refused). */
  int refusedSinceAccepted() {
    int count = 0;
    for (long at : refusedAt.values()) {
      count += at == acceptances ? 1 : 0;
    }
    return count;
  }

  /**
   * The request to probe the account with: the first queued one not refused since the last
   * acceptance, else the one refused longest ago.
   */
  PendingTask probe(List<PendingTask> queued) {
    PendingTask oldest = null;
    long oldestAt = Long.MAX_VALUE;
    for (PendingTask task : queued) {
      Long at = refusedAt.get(task);
      if (at == null || at < acceptances) {
        return task;
      }
      if (at < oldestAt) {
        oldest = task;
        oldestAt = at;
      }
    }
    return oldest != null ? oldest : queued.get(0);
  }
}
