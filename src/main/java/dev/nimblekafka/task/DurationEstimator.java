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
  private long cached = -1;

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
      cached = -1;
    }
  }

  /** The duration by which about three quarters of recent tasks had finished. */
  public long expectedMillis() {
    if (count == 0) {
      return initialMillis;
    }
    if (cached < 0) {
      long[] sorted = Arrays.copyOf(samples, count);
      Arrays.sort(sorted);
      cached = sorted[(int) Math.min(count - 1, Math.floor(QUANTILE * count))];
    }
    return cached;
  }
}
