package dev.nimblekafka.task;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * The one place that decides when a task is checked next, and when a refused submission is tried
 * again. The first check lands just after the learned duration (0 to +5% jitter), later ones wait
 * longer each time (x1.5) between the minimum and the maximum interval (±10% jitter), so pods do
 * not synchronise. A task that will call back is checked only as a safety net.
 */
public final class PollPolicy {
  /** A callback said the task ended while a check was already out: look again this soon. */
  static final long HINT_RECHECK_MILLIS = 50;

  /** Restored tasks are checked spread over this window, so a takeover is not one burst. */
  static final long RESTORE_SPREAD_MILLIS = 1_000;

  /** A create call Nimble could not take is tried again after this, unless it said when. */
  static final long SUBMIT_RETRY_MILLIS = 1_000;

  /** The least number of calls of one kind (creates, or checks and fetches) kept in flight. */
  static final int MIN_CALLS_IN_FLIGHT = 8;

  private final DurationEstimator estimator;
  private final long minMillis;
  private final long maxMillis;
  private final long safetyMillis;
  private final int maxCallsInFlight;
  private final DoubleSupplier random;

  /**
   * @param min the shortest wait between two checks of a task
   * @param max the longest wait between two checks of a task
   * @param safetyNet the wait between checks of a task that will call back
   * @param callsPerSecond the key's rate; about a second of it may be in flight
   * @param random uniform in [0, 1), for jitter
   */
  public PollPolicy(
      DurationEstimator estimator,
      Duration min,
      Duration max,
      Duration safetyNet,
      int callsPerSecond,
      DoubleSupplier random) {
    this.estimator = estimator;
    this.minMillis = min.toMillis();
    this.maxMillis = max.toMillis();
    this.safetyMillis = safetyNet.toMillis();
    this.maxCallsInFlight = Math.max(MIN_CALLS_IN_FLIGHT, callsPerSecond);
    this.random = random;
  }

  /** When a task just created is checked first. */
  public long firstCheckAt(PendingTask task, long now) {
    return now + (task.callback() ? jitter(safetyMillis) : nextDelay(0, 0));
  }

  /** When a task Nimble says is still running is checked next. */
  public long nextCheckAt(PendingTask task, boolean hinted, long now) {
    if (hinted) {
      return now + HINT_RECHECK_MILLIS;
    }
    if (task.callback()) {
      return now + jitter(safetyMillis);
    }
    return now + nextDelay(task.checks(), now - task.submittedAt());
  }

  /** When a task whose status check failed (429, 5xx, IO) is checked again. */
  public long retryCheckAt(PendingTask task, long now, Optional<Duration> retryAfter) {
    long delay = nextDelay(Math.max(1, task.checks()), now - task.submittedAt());
    return now + Math.max(delay, retryAfter.map(Duration::toMillis).orElse(0L));
  }

  /** When a task whose results could not be downloaded is checked again. */
  public long retryFetchAt(long now) {
    return now + minMillis;
  }

  /** When a task read back from the state topic is checked first. */
  public long restoredCheckAt(PendingTask task, long now) {
    long expectedAt = task.submittedAt() + estimator.expectedMillis();
    return Math.max(now, expectedAt) + (long) (random.getAsDouble() * RESTORE_SPREAD_MILLIS);
  }

  /** When submissions start again after Nimble could not take one (429, 5xx, IO). */
  public long submitRetryAt(long now, Optional<Duration> retryAfter) {
    return now + retryAfter.map(Duration::toMillis).orElse(SUBMIT_RETRY_MILLIS);
  }

  /** Create calls, and separately status checks and fetches, in flight at most. */
  public int maxCallsInFlight() {
    return maxCallsInFlight;
  }

  /** Learns from one finished task how long tasks take. */
  public void observeDuration(long millis) {
    estimator.observe(millis);
  }

  public DurationEstimator estimator() {
    return estimator;
  }

  /** Delay before check number {@code checksDone + 1} of a task created {@code ageMillis} ago. */
  long nextDelay(int checksDone, long ageMillis) {
    long expected = estimator.expectedMillis();
    if (checksDone == 0) {
      long delay = Math.max(expected - ageMillis, 0) + Math.max(expected / 50, 5);
      delay = Math.min(Math.max(delay, minMillis / 4), maxMillis);
      // jitter only later: a first check before the task can be done costs a whole extra interval
      return Math.max(1, (long) (delay * (1.0 + 0.05 * random.getAsDouble())));
    }
    double grown = Math.max(minMillis, expected / 4.0) * Math.pow(1.5, checksDone - 1);
    return jitter((long) Math.min(grown, maxMillis));
  }

  private long jitter(long delay) {
    double factor = 0.9 + 0.2 * random.getAsDouble();
    return Math.max(1, (long) (delay * factor));
  }
}
