package dev.nimblekafka.worker;

import java.util.TreeSet;

/**
 * The request offsets of one partition that are consumed but not yet settled (their task id or
 * outcome is not yet written). The partition may commit up to the lowest open one.
 */
final class OffsetTracker {
  private final TreeSet<Long> open = new TreeSet<>();
  private long next = -1;

  void opened(long offset) {
    open.add(offset);
    next = Math.max(next, offset + 1);
  }

  void closed(long offset) {
    open.remove(offset);
  }

  /** Consumed and settled at once (e.g. a duplicate id). */
  void skipped(long offset) {
    next = Math.max(next, offset + 1);
  }

  /** Sets where consumption stands when nothing was consumed in this assignment yet. */
  void startAt(long position) {
    if (next < 0) {
      next = position;
    }
  }

  boolean known() {
    return next >= 0;
  }

  /** The offset to commit: the next record to read after everything settled. */
  long committable() {
    return open.isEmpty() ? next : open.first();
  }

  int openCount() {
    return open.size();
  }
}
