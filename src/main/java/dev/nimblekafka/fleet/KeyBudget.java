package dev.nimblekafka.fleet;

import dev.nimblekafka.nimble.RateSignals;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * This pod's part of the key: the fleet's split ({@link FleetView} updates it), slowed down by what
 * Nimble's answers say. A 429 cuts the rate by {@value #CUT} (once a second at most, however many
 * calls a storm refuses, and once for a whole retry-after, which every call waits out), never below
 * {@value #FLOOR} of the share, nor below 1/pods of it (so that the pods' floors together stay
 * within the key however many there are); an answer saying the key has almost no calls left in its
 * window cuts it gently. The rate grows back by {@value #RECOVERY_PER_SECOND} of the share each
 * second after the last cut. Pods and other clients on the same key thus leave each other room
 * through Nimble's own answers.
 */
public final class KeyBudget implements KeyShare, RateSignals {
  /** The factor a 429 multiplies the rate by. */
  static final double CUT = 0.7;

  /** The factor an answer with almost no calls left multiplies the rate by. */
  static final double SOFT_CUT = 0.9;

  /** The share of the rate regained per second without a cut. */
  static final double RECOVERY_PER_SECOND = 0.1;

  /** The rate never goes below this share of the pod's share (nor below 1/pods of it). */
  static final double FLOOR = 0.2;

  /** "Almost no calls left": at most this share of the window's limit. */
  static final double LOW_REMAINING = 0.05;

  private static final long CUT_SPACING_MILLIS = 1_000;

  private final int maxPending;
  private final LongSupplier clock;
  private volatile FleetShare.Share share;
  private volatile long pausedUntil;
  private double factor = 1;
  private long lastCutAt = Long.MIN_VALUE;
  private long recoveredAt = Long.MIN_VALUE;
  private long cuts;

  /**
   * @param initial the share before the fleet was seen
   * @param maxPending this pod's own bound on tasks held (memory), whatever its share
   */
  public KeyBudget(FleetShare.Share initial, int maxPending, LongSupplier clock) {
    this.share = initial;
    this.maxPending = maxPending;
    this.clock = clock;
  }

  /** The fleet's split changed. */
  public void share(FleetShare.Share next) {
    share = next;
  }

  /** The fleet's split as it stands, before any slowing down. */
  public FleetShare.Share share() {
    return share;
  }

  @Override
  public synchronized double callsPerSecond() {
    recover(clock.getAsLong());
    return share.callsPerSecond() * factor;
  }

  @Override
  public int tasks() {
    return Math.min(maxPending, share.tasks());
  }

  /** How far 429s and near-empty windows slowed this pod down: 1 is not at all. */
  public synchronized double slowdown() {
    recover(clock.getAsLong());
    return factor;
  }

  /** Until when (epoch ms) Nimble asked every call to wait, or earlier than now. */
  public long pausedUntil() {
    return pausedUntil;
  }

  /** 429s that cut the rate since start. */
  public synchronized long cuts() {
    return cuts;
  }

  /**
   * A 429. With a retry-after, every call waits it out and the rate is cut once for the whole wait:
   * the 429s of calls already under way during it say nothing new.
   */
  @Override
  public synchronized void rateLimited(Optional<Duration> retryAfter) {
    long now = clock.getAsLong();
    if (now < pausedUntil) {
      return; // one of the calls already sent before the pause: the cut is made
    }
    retryAfter.ifPresent(wait -> pausedUntil = Math.max(pausedUntil, now + wait.toMillis()));
    cut(now, CUT);
  }

  @Override
  public synchronized void remaining(long remaining, long limit) {
    if (limit > 0 && remaining <= Math.max(1, limit * LOW_REMAINING)) {
      cut(clock.getAsLong(), SOFT_CUT);
    }
  }

  private void cut(long now, double by) {
    recover(now);
    if (lastCutAt != Long.MIN_VALUE && now - lastCutAt < CUT_SPACING_MILLIS) {
      return;
    }
    lastCutAt = now;
    recoveredAt = now + CUT_SPACING_MILLIS;
    factor = Math.max(floor(), factor * by);
    cuts++;
  }

  /** The least factor: {@value #FLOOR}, or 1/pods when more than five pods share the key. */
  private double floor() {
    return Math.min(FLOOR, 1.0 / Math.max(1, share.pods()));
  }

  private void recover(long now) {
    if (factor >= 1 || now <= recoveredAt) {
      return;
    }
    factor = Math.min(1, factor + RECOVERY_PER_SECOND * (now - recoveredAt) / 1000.0);
    recoveredAt = now;
  }
}
