package dev.nimblekafka.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskTimersTest {

  @Test
  void handsOutEachWaitingTaskOnceWhenDueInOrderOfItsLatestTime() {
    Random random = new Random(3);
    TaskBook book = new TaskBook();
    book.assign(0, 1, TaskBook.Handover.CLEAN);
    TaskTimers timers = new TaskTimers();
    List<PendingTask> all = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      PendingTask task = TaskLifecycleTest.consumed("r" + i, i);
      book.admit(task, 0);
      book.submitting(task, false, 0);
      book.created(task, "t" + i, 0, 0);
      all.add(task);
    }
    Set<PendingTask> scheduled = new HashSet<>();
    for (int step = 0; step < 6_000; step++) {
      // few distinct times: many ties, many stale entries
      PendingTask task = all.get(random.nextInt(all.size()));
      timers.schedule(task, random.nextInt(200));
      scheduled.add(task);
      if (step == 3_000) {
        timers.compact();
      }
    }
    for (int i = 0; i < 50; i++) {
      book.checking(all.get(i)); // no longer waiting: not handed out
      scheduled.remove(all.get(i));
    }
    timers.compact();

    List<PendingTask> out = new ArrayList<>();
    long last = -1;
    for (long now = 0; now < 200; now += 7) {
      for (PendingTask task : timers.due(now, 25)) {
        assertThat(task.dueAt()).isLessThanOrEqualTo(now).isGreaterThanOrEqualTo(last);
        assertThat(task.phase()).isEqualTo(TaskPhase.WAITING);
        last = task.dueAt();
        out.add(task);
      }
      last = -1;
    }
    out.addAll(timers.due(Long.MAX_VALUE, Integer.MAX_VALUE));
    assertThat(out).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(scheduled);
    assertThat(timers.nextDueIn(0)).isEqualTo(-1);
    assertThat(timers.size()).isZero();
  }
}
