package dev.nimblekafka.task;

import java.util.function.DoubleSupplier;

/**
 * The calls per second left for status reads once creates and results fetches are paid for: the
 * pod's share of the key, less a margin, less what creates and fetches spent lately (smoothed over
 * a few seconds). Reads take tokens from a bucket that holds one second of them. Used by the
 * consume loop's thread only.
 */
public final class CheckBudget {
  /** The part of the share status reads may plan on; the rest absorbs bursts of fetches. */
  static final double USABLE = 0.9;

  /** Reads per second allowed however busy the pod is, so that nothing waits forever. */
  static final double LEAST = 0.5;

  private static final long WINDOW_MILLIS = 1_000;
  private static final double SMOOTHING = 0.3;

  private final DoubleSupplier callsPerSecond;
  private double spentPerSecond;
  private long windowStart = -1;
  private int windowCalls;
  private double tokens;
  private long refilledAt = -1;

  /**
   * @param callsPerSecond this pod's share of the key's calls per second, as it is now
   */
  public CheckBudget(DoubleSupplier callsPerSecond) {
    this.callsPerSecond = callsPerSecond;
  }

  /** A create or a results fetch went out at {@code now}. */
  public void spent(long now) {
    roll(now);
    windowCalls++;
  }

  /** Calls per second status reads may use now. */
  public double readsPerSecond(long now) {
    roll(now);
    return Math.max(LEAST, callsPerSecond.getAsDouble() * USABLE - spentPerSecond);
  }

  /** Takes one read's worth: false when reads have used their budget for now. */
  public boolean take(long now) {
    double rate = readsPerSecond(now);
    double capacity = Math.max(1, rate);
    tokens =
        refilledAt < 0 ? capacity : Math.min(capacity, tokens + (now - refilledAt) * rate / 1000.0);
    refilledAt = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  private void roll(long now) {
    if (windowStart < 0) {
      windowStart = now;
      return;
    }
    while (now - windowStart >= WINDOW_MILLIS) {
      spentPerSecond = (1 - SMOOTHING) * spentPerSecond + SMOOTHING * windowCalls;
      windowCalls = 0;
      windowStart += WINDOW_MILLIS;
      if (now - windowStart > 30 * WINDOW_MILLIS) {
        windowStart = now; // idle for long: nothing to smooth
        spentPerSecond = 0;
      }
    }
  }
}
