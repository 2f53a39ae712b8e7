package dev.nimblekafka.chaos;

import java.time.Duration;

/**
 * What Kubernetes' probes would make of one worker pod, from its {@code /health/live} answers:
 * whether a pod would be restarted. As in {@code deploy/k8s/base/deployment.yaml}, a started JVM
 * has the startup probe's {@link #STARTUP_LIMIT} to answer once; only then does the liveness probe
 * apply. One per worker slot, fed once a second by the supervisor.
 */
final class LivenessWatch {
  /** How long a worker's liveness may fail before a pod would be restarted (3 probes of 10 s). */
  static final Duration LIVENESS_LIMIT = Duration.ofSeconds(30);

  /** How long a started worker may take to answer its first probe (the startup probe: 60 × 2 s). */
  static final Duration STARTUP_LIMIT = Duration.ofSeconds(120);

  private static final long NONE = Long.MIN_VALUE;

  private int start = -1;
  private long startedAt;
  private boolean startedUp;
  private long notLiveSince = NONE;
  private boolean reported;

  /** The worker is not running, or not meant to: nothing to probe until it runs again. */
  void idle() {
    notLiveSince = NONE;
    reported = false;
  }

  /**
   * One probe of start number {@code start} of the worker, at {@code nowNanos}: why a pod would be
   * restarted, the first time it would be in this episode; null otherwise.
   */
  String probe(int start, boolean live, long nowNanos) {
    if (start != this.start) {
      this.start = start;
      startedAt = nowNanos;
      startedUp = false;
      idle();
    }
    if (live) {
      startedUp = true;
      idle();
      return null;
    }
    if (!startedUp) {
      if (reported || nowNanos - startedAt < STARTUP_LIMIT.toNanos()) {
        return null;
      }
      reported = true;
      return "did not answer its startup probe for "
          + Text.duration(STARTUP_LIMIT)
          + " after it started (a pod would be restarted)";
    }
    if (notLiveSince == NONE) {
      notLiveSince = nowNanos;
      return null;
    }
    if (reported || nowNanos - notLiveSince < LIVENESS_LIMIT.toNanos()) {
      return null;
    }
    reported = true;
    return "failed its liveness check for "
        + Text.duration(LIVENESS_LIMIT)
        + " (a pod would be restarted)";
  }
}
