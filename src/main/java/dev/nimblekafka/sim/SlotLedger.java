package dev.nimblekafka.sim;

import java.util.ArrayDeque;
import java.util.List;

/**
 * How the plan's slots were used: integrated over time from the moments tasks are queued, start,
 * leave the queue unstarted and free their slot. Counting starts with the first task created after
 * the start or the last reset, so busy slot-seconds never exceed {@code slots} times the time since
 * that creation. Per second it keeps the mean number of busy slots and of waiting tasks, for the
 * last {@value #SECONDS_KEPT} seconds that saw any.
 */
final class SlotLedger {
  static final int SECONDS_KEPT = 3600;

  private final int slots;
  private final ArrayDeque<long[]> seconds = new ArrayDeque<>();
  private int busy;
  private int waiting;
  private long last = -1;
  private long busySlotMillis;
  private long waitMillis;
  private long taskMillis;
  private long longestTaskMillis;
  private long firstCreatedAt = -1;
  private long lastEndedAt = -1;
  private long lastStartedAt = -1;
  private long busySlotMillisToLastStart;

  SlotLedger(int slots) {
    this.slots = slots;
  }

  /** A task joined the queue for a slot. */
  synchronized void queued(long now) {
    if (firstCreatedAt < 0) {
      firstCreatedAt = now;
      last = now;
    }
    advance(now);
    waiting++;
  }

  /** A queued task took a slot to run for {@code durationMillis}. */
  synchronized void started(long now, long durationMillis) {
    advance(now);
    lastStartedAt = now;
    busySlotMillisToLastStart = busySlotMillis;
    waiting--;
    busy++;
    taskMillis += durationMillis;
    longestTaskMillis = Math.max(longestTaskMillis, durationMillis);
  }

  /** A queued task left the queue without starting (it expired). */
  synchronized void leftQueue(long now) {
    advance(now);
    waiting--;
  }

  /** A running task freed its slot. */
  synchronized void freed(long now) {
    advance(now);
    busy--;
    lastEndedAt = Math.max(lastEndedAt, now);
  }

  synchronized SlotUse use(long now) {
    advance(now);
    long end = busy > 0 || waiting > 0 ? Math.max(now, lastEndedAt) : lastEndedAt;
    long makespan = firstCreatedAt < 0 || end < 0 ? 0 : Math.max(0, end - firstCreatedAt);
    List<SlotUse.Second> kept =
        seconds.stream().map(s -> new SlotUse.Second(s[0], s[1], s[2])).toList();
    return new SlotUse(
        slots,
        busySlotMillis,
        waitMillis,
        taskMillis,
        longestTaskMillis,
        firstCreatedAt,
        lastEndedAt,
        makespan,
        lastStartedAt,
        busySlotMillisToLastStart,
        kept);
  }

  /** Zeroes the totals; tasks running or waiting now count again from the next task created. */
  synchronized void reset() {
    seconds.clear();
    last = -1;
    busySlotMillis = 0;
    waitMillis = 0;
    taskMillis = 0;
    longestTaskMillis = 0;
    firstCreatedAt = -1;
    lastEndedAt = -1;
    lastStartedAt = -1;
    busySlotMillisToLastStart = 0;
  }

  /** Charges the busy slots and waiting tasks since the last event up to {@code now}. */
  private void advance(long now) {
    if (last < 0 || now <= last) {
      return;
    }
    if (busy == 0 && waiting == 0) {
      last = now;
      return;
    }
    while (last < now) {
      long second = Math.floorDiv(last, 1000);
      long end = Math.min(now, (second + 1) * 1000);
      long span = end - last;
      busySlotMillis += busy * span;
      waitMillis += waiting * span;
      long[] bucket = seconds.peekLast();
      if (bucket == null || bucket[0] != second) {
        bucket = new long[] {second, 0, 0};
        seconds.addLast(bucket);
        if (seconds.size() > SECONDS_KEPT) {
          seconds.removeFirst();
        }
      }
      bucket[1] += busy * span;
      bucket[2] += waiting * span;
      last = end;
    }
  }
}
