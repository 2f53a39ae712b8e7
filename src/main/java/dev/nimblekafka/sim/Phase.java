package dev.nimblekafka.sim;

/**
 * Where a simulated task is in its life. Legal moves: QUEUED to RUNNING (a slot of the plan freed),
 * EXPIRED (never started within the pending expiry) or FAILED (its crawl was canceled before it
 * started); RUNNING to COMPLETED or FAILED. Anything else is a bug and throws.
 */
enum Phase {
  QUEUED,
  RUNNING,
  COMPLETED,
  FAILED,
  EXPIRED;

  boolean canMoveTo(Phase next) {
    return switch (this) {
      case QUEUED -> next == RUNNING || next == EXPIRED || next == FAILED;
      case RUNNING -> next == COMPLETED || next == FAILED;
      case COMPLETED, FAILED, EXPIRED -> false;
    };
  }

  boolean finished() {
    return this == COMPLETED || this == FAILED;
  }
}
