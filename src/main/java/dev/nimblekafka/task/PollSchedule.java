package dev.nimblekafka.task;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When to check a task next: the first check just after the expected duration (0 to +5% jitter),
 * then growing waits (x1.5) between the minimum and the maximum interval (±10% jitter), so pods do
 * not synchronise. With callbacks on, checks after the first are only a safety net and use the long
 * interval.
 */
public final class PollSchedule {
  private final DurationEstimator estimator;
  private final long minMillis;
  private final long maxMillis;
  private final DoubleSupplier random;

  public PollSchedule(
      DurationEstimator estimator, Duration min, Duration max, DoubleSupplier random) {
    this.estimator = estimator;
    this.minMillis = min.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /**
   * Delay before check number {@code checksDone + 1} of a task created at {@code ageMillis} ago.
   */
  public long nextDelay(int checksDone, long ageMillis) {
    long expected = estimator.expectedMillis();
    long delay;
    if (checksDone == 0) {
      delay = Math.max(expected - ageMillis, 0) + Math.max(expected / 50, 5);
      delay = Math.min(Math.max(delay, minMillis / 4), maxMillis);
      // jitter only later: a first check before the task can be done costs a whole extra interval
      return Math.max(1, (long) (delay * (1.0 + 0.05 * random.getAsDouble())));
    } else {
      double grown = Math.max(minMillis, expected / 4.0) * Math.pow(1.5, checksDone - 1);
      delay = (long) Math.min(grown, maxMillis);
    }
    return jitter(delay);
  }

  /** The safety-net delay of a task that will call back: long, with jitter. */
  public long safetyNet(Duration interval) {
    return jitter(interval.toMillis());
  }

  /** A delay for an immediate re-check (e.g. after a restore), spread to avoid a burst. */
  public long spread(long windowMillis) {
    return (long) (random.getAsDouble() * windowMillis);
  }

  public DurationEstimator estimator() {
    return estimator;
  }

  private long jitter(long delay) {
    double factor = 0.9 + 0.2 * random.getAsDouble();
    return Math.max(1, (long) (delay * factor));
  }
}
