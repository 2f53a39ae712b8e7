package dev.nimblekafka.task;

import java.util.Arrays;

/**
 * Learns how long tasks take from the last few hundred that finished, so the first status check
 * lands just after most tasks are done: one check per task in the common case. Used by the consume
 * loop's thread only.
 */
public final class DurationEstimator {
  private static final int WINDOW = 256;
  private static final double QUANTILE = 0.75;

  private final long[] samples = new long[WINDOW];
  private final long initialMillis;
  private int count;
  private int next;
  private long[] sorted;

  public DurationEstimator(long initialMillis) {
    this.initialMillis = initialMillis;
  }

  /** Records one finished task's duration. */
  public void observe(long millis) {
    if (millis < 0) {
      return;
    }
    samples[next] = millis;
    next = (next + 1) % WINDOW;
    count = Math.min(count + 1, WINDOW);
    if (count < 16 || next % 16 == 0) {
      sorted = null;
    }
  }

  /** The duration by which about three quarters of recent tasks had finished. */
  public long expectedMillis() {
    return quantileMillis(QUANTILE);
  }

  /**
   * The duration by which the share {@code q} of recent tasks had finished; before any finished,
   * the initial guess scaled as if durations were spread evenly up to it.
   */
  public long quantileMillis(double q) {
    if (count == 0) {
      return (long) (initialMillis * Math.min(1.0, q / QUANTILE));
    }
    if (sorted == null) {
      sorted = Arrays.copyOf(samples, count);
      Arrays.sort(sorted);
    }
    // the sorted copy is refreshed every 16 samples only: index it by its own length
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }
}
