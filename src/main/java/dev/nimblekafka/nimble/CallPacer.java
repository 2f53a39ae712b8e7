package dev.nimblekafka.nimble;

import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Spaces calls evenly at a rate that may change at any time (the pod's share of the key), with a
 * small burst allowance, and holds every call back while Nimble asked to wait. A call reserves its
 * slot and is told how long to wait for it, so no thread blocks. Evenly spaced calls keep a fleet's
 * sum within the key's rate at every instant, not only on average over a second.
 */
final class CallPacer {
  /**
   * Calls that may go at once after a quiet spell: one second of the rate, as a key's token bucket
   * holds (a wave of tasks finishing together is fetched at once). Pods' shares add up to the key's
   * rate, so their bursts together stay within one second of it too.
   */
  static final double BURST_SECONDS = 1.0;

  private final DoubleSupplier callsPerSecond;
  private final LongSupplier nanoTime;
  private final long maxWaitNanos;
  private long nextFree = Long.MIN_VALUE;
  private long pausedUntil = Long.MIN_VALUE;

  /**
   * @param callsPerSecond the rate now, read at every reservation
   * @param maxWaitNanos a call that would wait longer is refused instead
   */
  CallPacer(DoubleSupplier callsPerSecond, LongSupplier nanoTime, long maxWaitNanos) {
    this.callsPerSecond = callsPerSecond;
    this.nanoTime = nanoTime;
    this.maxWaitNanos = maxWaitNanos;
  }

  /** Reserves the next slot: nanoseconds to wait for it (0: go now), or -1 when too far off. */
  synchronized long reserve() {
    long now = nanoTime.getAsLong();
    double rate = Math.max(0.01, callsPerSecond.getAsDouble());
    long interval = (long) (1e9 / rate);
    long burst = (long) (Math.max(1, rate * BURST_SECONDS) * interval);
    long earliest = Math.max(nextFree, now - burst + interval);
    long at = Math.max(earliest, pausedUntil);
    long wait = at - now;
    if (wait > maxWaitNanos) {
      return -1;
    }
    nextFree = at + interval;
    return Math.max(0, wait);
  }

  /** No call goes before {@code nanos} from now (Nimble said to retry after that long). */
  synchronized void pauseFor(long nanos) {
    pausedUntil = Math.max(pausedUntil, nanoTime.getAsLong() + nanos);
  }
}
