package dev.nimblekafka.worker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * When a partition whose state could not be read is read again: after 0.5 s, then twice as long
 * each time, at most 30 s apart, so an error that fails fast (an ACL on the state topic) is not
 * retried on every loop turn.
 */
final class RestoreRetries {
  static final long FIRST_MILLIS = 500;
  static final long MAX_MILLIS = 30_000;

  /** A partition to read again at {@code dueAt}, under the ownership it failed in. */
  record Retry(int partition, long epoch, long dueAt) {}

  private final Map<Integer, Integer> failures = new HashMap<>();
  private final Map<Integer, Retry> scheduled = new HashMap<>();

  /** The read failed: returns when it is tried again. */
  long failed(int partition, long epoch, long now) {
    int count = failures.merge(partition, 1, Integer::sum);
    long wait = Math.min(MAX_MILLIS, FIRST_MILLIS << Math.min(count - 1, 16));
    scheduled.put(partition, new Retry(partition, epoch, now + wait));
    return now + wait;
  }

  /** Removes and returns the retries due at {@code now}. */
  List<Retry> due(long now) {
    List<Retry> due = new ArrayList<>();
    for (Iterator<Retry> it = scheduled.values().iterator(); it.hasNext(); ) {
      Retry retry = it.next();
      if (retry.dueAt() <= now) {
        due.add(retry);
        it.remove();
      }
    }
    return due;
  }

  /** The partition was read, or given away: its count starts over. */
  void forget(int partition) {
    failures.remove(partition);
    scheduled.remove(partition);
  }
}
