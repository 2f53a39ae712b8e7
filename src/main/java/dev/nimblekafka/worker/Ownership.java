package dev.nimblekafka.worker;

import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Which partitions this pod may still act for, as the HTTP threads see it: a create call asks right
 * before it goes out, not only when its answer comes back. A partition is released as soon as its
 * revocation starts, so creates still waiting for a permit or a retry are never sent; and no create
 * goes out while this pod's hold on the group is in doubt: while commits fail, or when the consume
 * loop has not turned for {@link #LEASE_MILLIS} (a long GC pause, a loop blocked on Kafka), since
 * the group may have given the partition to another pod meanwhile.
 *
 * <p>A create that passed the fence reaches Nimble within the request's time limit, so a commit
 * made at {@code t} tells the next owner that no create of this pod reaches Nimble after {@code t
 * +} {@link #horizonMillis}.
 */
final class Ownership {
  /** How long a loop that has not turned is trusted to still own its partitions. */
  static final long LEASE_MILLIS = 5_000;

  /**
   * How long Nimble may take to create a task once the create's request reached it: the create
   * answers with the task, so a service that answers within seconds creates within them.
   */
  static final long CREATE_ALLOWANCE_MILLIS = 5_000;

  private final Map<Integer, Long> epochs = new ConcurrentHashMap<>();
  private final Clock clock;
  private final long horizonMillis;
  private volatile long turnedAt;
  private volatile boolean commitsFailing;

  /**
   * @param connectTimeoutMillis how long a call that passed the fence may take to connect
   * @param commitIntervalMillis how long between commits
   */
  Ownership(Clock clock, long connectTimeoutMillis, long commitIntervalMillis) {
    this.clock = clock;
    this.horizonMillis =
        LEASE_MILLIS + commitIntervalMillis + connectTimeoutMillis + CREATE_ALLOWANCE_MILLIS;
    this.turnedAt = clock.millis();
  }

  /** The partition is owned under {@code epoch} from now on. */
  void own(int partition, long epoch) {
    epochs.put(partition, epoch);
  }

  /** The partitions are being given away: nothing more is sent for them. */
  void release(Collection<Integer> partitions) {
    partitions.forEach(epochs::remove);
  }

  /** The consume loop turned. */
  void turned() {
    turnedAt = clock.millis();
  }

  /** Whether commits are failing now (no create goes out while they do). */
  void commitsFailing(boolean failing) {
    commitsFailing = failing;
  }

  boolean commitsFailing() {
    return commitsFailing;
  }

  /** Whether a call for {@code partition} under {@code epoch} may go out now (any thread). */
  boolean live(int partition, long epoch) {
    Long current = epochs.get(partition);
    return current != null
        && current == epoch
        && !commitsFailing
        && clock.millis() - turnedAt < LEASE_MILLIS;
  }

  /** The fence of one call. */
  BooleanSupplier fence(int partition, long epoch) {
    return () -> live(partition, epoch);
  }

  /**
   * Until when a create call of this pod could still reach Nimble, for a commit made at {@code
   * now}: the next owner waits until then before it concludes that a request has no task.
   */
  long settledAfter(long now) {
    return now + horizonMillis;
  }
}
