package dev.nimblekafka.sim;

import java.util.List;

/**
 * How the plan's slots were used since the first task created after the start or the last reset;
 * part of {@link SimStats}.
 *
 * @param slots the plan's limit on tasks running at once (C)
 * @param busySlotMillis slot-milliseconds during which a task held a slot (from its start until its
 *     slot freed)
 * @param waitMillis task-milliseconds that tasks spent queued for a slot
 * @param taskMillis the durations of the tasks started, summed
 * @param longestTaskMillis the longest duration of a task started
 * @param firstCreatedAt when the first task was created (epoch ms); -1 before any
 * @param lastEndedAt when a slot last freed (epoch ms); -1 before any
 * @param makespanMillis from the first creation to the last slot freed; up to now while tasks run
 *     or wait
 * @param lastStartedAt when a task last took a slot (epoch ms); -1 before any
 * @param busySlotMillisToLastStart the busy slot-milliseconds up to that start
 * @param seconds per second of the clock, oldest first, the slot-milliseconds busy and the
 *     task-milliseconds waited within it (the last hour of seconds that saw any)
 */
public record SlotUse(
    int slots,
    long busySlotMillis,
    long waitMillis,
    long taskMillis,
    long longestTaskMillis,
    long firstCreatedAt,
    long lastEndedAt,
    long makespanMillis,
    long lastStartedAt,
    long busySlotMillisToLastStart,
    List<Second> seconds) {

  public SlotUse {
    seconds = List.copyOf(seconds);
  }

  /**
   * Busy slot-time ÷ (slots × makespan): at most 1; NaN before any time has passed. It counts the
   * tail too, when the last tasks run and no work is left to start.
   */
  public double slotUse() {
    return makespanMillis <= 0 ? Double.NaN : busySlotMillis / ((double) slots * makespanMillis);
  }

  /**
   * Busy slot-time ÷ (slots × the time from the first creation to the last start): how much of the
   * plan was used while there was work to start (after the last start no client can fill a slot,
   * whatever it does); at most 1; NaN before a task has started after some time.
   */
  public double backlogSlotUse() {
    long window = lastStartedAt - firstCreatedAt;
    return firstCreatedAt < 0 || lastStartedAt < 0 || window <= 0
        ? Double.NaN
        : busySlotMillisToLastStart / ((double) slots * window);
  }

  /**
   * The shortest makespan the plan allows for the tasks started: their summed durations spread over
   * every slot, or the longest task, whichever is longer.
   */
  public long makespanLowerBoundMillis() {
    return Math.max((taskMillis + slots - 1) / slots, longestTaskMillis);
  }

  /**
   * One second of the clock.
   *
   * @param epochSecond the second, counted from the epoch
   * @param busySlotMillis slot-milliseconds busy within it (1,000 for each slot busy throughout)
   * @param waitMillis task-milliseconds waited within it (1,000 for each task waiting throughout)
   */
  public record Second(long epochSecond, long busySlotMillis, long waitMillis) {}
}
