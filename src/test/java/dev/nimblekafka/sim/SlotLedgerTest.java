package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Slot use integrated from explicit moments: busy slot-time, waiting, makespan, per second. */
class SlotLedgerTest {
  /** A whole second, so per-second buckets line up with the moments below. */
  private static final long T0 = 1_700_000_000_000L;

  @Test
  void threeTasksOnTwoSlotsChargeBusyTimeWaitAndMakespan() {
    SlotLedger ledger = new SlotLedger(2);
    ledger.queued(T0);
    ledger.queued(T0);
    ledger.queued(T0);
    ledger.started(T0, 1000);
    ledger.started(T0, 1000);
    ledger.freed(T0 + 1000);
    ledger.started(T0 + 1000, 1000);
    ledger.freed(T0 + 1000);
    ledger.freed(T0 + 2000);

    SlotUse use = ledger.use(T0 + 5000);

    assertThat(use.busySlotMillis()).isEqualTo(3000);
    assertThat(use.waitMillis()).isEqualTo(1000);
    assertThat(use.taskMillis()).isEqualTo(3000);
    assertThat(use.longestTaskMillis()).isEqualTo(1000);
    assertThat(use.firstCreatedAt()).isEqualTo(T0);
    assertThat(use.lastEndedAt()).isEqualTo(T0 + 2000);
    assertThat(use.makespanMillis()).isEqualTo(2000);
    assertThat(use.makespanLowerBoundMillis()).isEqualTo(1500);
    assertThat(use.slotUse()).isEqualTo(0.75);
    assertThat(use.seconds())
        .containsExactly(
            new SlotUse.Second(T0 / 1000, 2000, 1000), new SlotUse.Second(T0 / 1000 + 1, 1000, 0));
  }

  @Test
  void slotUseWhileThereIsWorkToStartLeavesOutTheTailOfTheLastTasks() {
    SlotLedger ledger = new SlotLedger(2);
    for (int i = 0; i < 3; i++) {
      ledger.queued(T0);
    }
    ledger.started(T0, 1000);
    ledger.started(T0, 4000); // a long task: the plan's other slot idles while it ends
    ledger.freed(T0 + 1000);
    ledger.started(T0 + 1000, 1000); // the last start: nothing is left to start after it
    ledger.freed(T0 + 2000);
    ledger.freed(T0 + 4000);

    SlotUse use = ledger.use(T0 + 5000);

    assertThat(use.lastStartedAt()).isEqualTo(T0 + 1000);
    assertThat(use.backlogSlotUse()).as("both slots busy until the last start").isEqualTo(1.0);
    assertThat(use.slotUse()).as("6 slot-s busy of 2 x 4 s").isEqualTo(0.75);
  }

  @Test
  void beforeAnyTaskStartedAfterTheFirstCreateThereIsNoBacklogSlotUse() {
    SlotLedger ledger = new SlotLedger(2);
    ledger.queued(T0);
    assertThat(ledger.use(T0 + 1000).backlogSlotUse()).isNaN();
    ledger.started(T0, 1000);
    assertThat(ledger.use(T0 + 1000).backlogSlotUse()).isNaN();
  }

  @Test
  void everySlotBusyThroughoutIsASlotUseOfExactlyOne() {
    SlotLedger ledger = new SlotLedger(3);
    for (int i = 0; i < 6; i++) {
      ledger.queued(T0);
    }
    for (int i = 0; i < 3; i++) {
      ledger.started(T0, 700);
    }
    for (int i = 0; i < 3; i++) {
      ledger.freed(T0 + 700);
      ledger.started(T0 + 700, 700);
    }
    for (int i = 0; i < 3; i++) {
      ledger.freed(T0 + 1400);
    }

    SlotUse use = ledger.use(T0 + 1400);

    assertThat(use.slotUse()).isEqualTo(1.0);
    assertThat(use.makespanMillis()).isEqualTo(use.makespanLowerBoundMillis()).isEqualTo(1400);
    assertThat(use.waitMillis()).isEqualTo(3 * 700);
  }

  @Test
  void theLongestTaskBoundsTheMakespanWhenSlotsOutnumberTheWork() {
    SlotLedger ledger = new SlotLedger(100);
    ledger.queued(T0);
    ledger.queued(T0);
    ledger.started(T0, 4000);
    ledger.started(T0, 1000);

    SlotUse running = ledger.use(T0 + 2000);
    assertThat(running.makespanMillis()).as("up to now while a task runs").isEqualTo(2000);
    ledger.freed(T0 + 1000 + 1);
    ledger.freed(T0 + 4000);

    SlotUse use = ledger.use(T0 + 9000);
    assertThat(use.makespanLowerBoundMillis()).isEqualTo(4000);
    assertThat(use.makespanMillis()).isEqualTo(4000);
    assertThat(use.slotUse()).isLessThan(0.02);
  }

  @Test
  void aTaskThatExpiresInTheQueueStopsWaiting() {
    SlotLedger ledger = new SlotLedger(1);
    ledger.queued(T0);
    ledger.queued(T0);
    ledger.started(T0, 500);
    ledger.leftQueue(T0 + 300);
    ledger.freed(T0 + 500);

    SlotUse use = ledger.use(T0 + 800);

    assertThat(use.waitMillis()).isEqualTo(300);
    assertThat(use.busySlotMillis()).isEqualTo(500);
    assertThat(use.makespanMillis()).isEqualTo(500);
  }

  @Test
  void afterAResetOnlyTimeFromTheNextCreationCounts() {
    SlotLedger ledger = new SlotLedger(1);
    ledger.queued(T0);
    ledger.started(T0, 10_000);
    ledger.reset();
    assertThat(ledger.use(T0 + 5000).makespanMillis()).isZero();

    ledger.queued(T0 + 6000);
    ledger.freed(T0 + 10_000);
    ledger.started(T0 + 10_000, 1000);
    ledger.freed(T0 + 11_000);

    SlotUse use = ledger.use(T0 + 11_000);
    assertThat(use.firstCreatedAt()).isEqualTo(T0 + 6000);
    assertThat(use.busySlotMillis()).isEqualTo(5000);
    assertThat(use.waitMillis()).isEqualTo(4000);
    assertThat(use.slotUse()).isEqualTo(1.0);
  }

  @Test
  void secondsKeptAreBoundedToTheLastHour() {
    SlotLedger ledger = new SlotLedger(1);
    ledger.queued(T0);
    ledger.started(T0, 2 * 3600_000L);
    ledger.freed(T0 + 2 * 3600_000L);

    List<SlotUse.Second> seconds = ledger.use(T0 + 2 * 3600_000L).seconds();

    assertThat(seconds).hasSize(SlotLedger.SECONDS_KEPT);
    assertThat(seconds.get(seconds.size() - 1))
        .isEqualTo(new SlotUse.Second(T0 / 1000 + 2 * 3600 - 1, 1000, 0));
  }
}
