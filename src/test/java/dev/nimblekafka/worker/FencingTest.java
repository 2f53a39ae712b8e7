package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.STATE;
import static dev.nimblekafka.worker.LifecycleRig.extract;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ownership fences calls, not only answers: a create of a partition this pod no longer owns (or may
 * no longer own) is not sent, and the next owner waits until the old owner's calls can no longer
 * arrive before it concludes that a request has no task.
 */
@Timeout(10)
class FencingTest {

  @Test
  void aCreateStillWaitingWhenItsPartitionIsGivenAwayIsNeverSent() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    Call create = rig.nimble.only(Op.SUBMIT);
    assertThat(create.live()).as("owned: it may go").isTrue();

    rig.lifecycle.drop(0);

    assertThat(create.live()).as("given away: it must not go").isFalse();
  }

  @Test
  void aCreateIsNotSentOnceTheLoopHasStoppedTurningForTheLease() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    Call create = rig.nimble.only(Op.SUBMIT);

    rig.clock.advance(Duration.ofMillis(Ownership.LEASE_MILLIS)); // a long GC pause, say

    assertThat(create.live()).isFalse();
  }

  @Test
  void aFencedCreateGoesBackToTheQueueWithoutALookUp() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    rig.nimble
        .only(Op.SUBMIT)
        .fail(
            new NimbleException.Unavailable(
                0, NimbleException.Unavailable.FENCED, "x", null, null));
    rig.turn();
    assertThat(rig.nimble.count(Op.LIST)).isZero();
    assertThat(rig.nimble.open(Op.SUBMIT)).as("sent again at once: nothing was sent").hasSize(1);
  }

  @Test
  void aTakeoverWaitsForThePreviousOwnersCallsBeforeItCreatesARequestItDidNotFind() {
    LifecycleRig rig = new LifecycleRig();
    long now = rig.clock.millis();
    rig.assign(0, new TaskBook.Handover(10, now - 1_000, now + 30_000));
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    rig.nimble.only(Op.LIST).page(null);
    rig.turn();
    assertThat(rig.nimble.count(Op.SUBMIT))
        .as("the old owner's create could still arrive: not created yet")
        .isZero();

    rig.advance(Duration.ofSeconds(31));
    rig.nimble.only(Op.LIST).page(null);
    rig.advance(Duration.ofSeconds(1));

    assertThat(rig.nimble.count(Op.SUBMIT)).as("looked up again, then created").isEqualTo(1);
  }

  @Test
  void aResubmissionAfterAFailedTaskIsRecordedSoTheNextOwnerLooksItUp() {
    LifecycleRig rig = new LifecycleRig("TASK_MAX_ATTEMPTS", "3");
    rig.assign(0);
    rig.created(0, "r1", "t1");
    rig.advance(Duration.ofSeconds(15));
    rig.nimble.only(Op.STATUS).task("t1", dev.nimblekafka.nimble.TaskState.FAILED);
    rig.turn();

    assertThat(rig.open(STATE))
        .last()
        .satisfies(
            s -> {
              assertThat(s.get("task_id").isNull()).as("no live task").isTrue();
              assertThat(s.get("attempts").asInt()).isEqualTo(1);
            });
  }
}
