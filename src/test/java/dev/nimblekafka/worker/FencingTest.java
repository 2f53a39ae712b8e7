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
  void aStatusCheckStillWaitingWhenItsPartitionIsGivenAwayIsNeverSent() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.created(0, "r1", "t1");
    rig.advance(Duration.ofSeconds(15));
    Call check = rig.nimble.only(Op.STATUS);
    assertThat(check.live()).as("owned: it may go").isTrue();

    rig.lifecycle.drop(0);

    assertThat(check.live()).as("given away: the next owner reads it").isFalse();
  }

  @Test
  void aResultsReadStillWaitingWhenItsPartitionIsGivenAwayIsNeverSent() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.created(0, "r1", "t1");
    rig.advance(Duration.ofSeconds(15));
    rig.nimble.only(Op.STATUS).task("t1", dev.nimblekafka.nimble.TaskState.SUCCEEDED);
    rig.turn();
    Call fetch = rig.nimble.only(Op.RESULTS);

    rig.lifecycle.drop(0);

    assertThat(fetch.live()).isFalse();
  }

  @Test
  void aLookUpScanOfOnlyPartitionsGivenAwayIsNeverSent() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.lost());
    rig.turn();
    Call scan = rig.nimble.only(Op.LIST);

    rig.lifecycle.drop(0);

    assertThat(scan.live()).isFalse();
  }

  @Test
  void aBatchIsNotSentOnceOneOfItsPartitionsIsGivenAway() {
    LifecycleRig rig = new LifecycleRig("BATCH_SUBMIT", "true", "BATCH_LINGER", "0");
    rig.assign(0);
    rig.assign(1);
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.consume(1, null, extract("r1", "https://a.io/1"));
    rig.turn();
    Call batch = rig.nimble.only(Op.BATCH);
    assertThat(batch.body.get("inputs")).as("one batch for both partitions").hasSize(2);

    rig.lifecycle.drop(1);

    assertThat(batch.live()).as("it would create r1's task for a partition given away").isFalse();
  }

  @Test
  void aBatchAnsweredAfterOneOfItsPartitionsMovedKeepsTheOthersTaskAndFreesItsCall() {
    LifecycleRig rig = new LifecycleRig("BATCH_SUBMIT", "true", "BATCH_LINGER", "0");
    rig.assign(0);
    rig.assign(1);
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.consume(1, null, extract("r1", "https://a.io/1"));
    rig.turn();
    Call batch = rig.nimble.only(Op.BATCH);
    com.fasterxml.jackson.databind.JsonNode inputs = batch.body.get("inputs");
    long now = rig.clock.millis();
    rig.lifecycle.drop(1);

    batch.batchEchoing(
        "b-1",
        FakeNimble.listed("t0", now, inputs.get(0)),
        FakeNimble.listed("t1", now, inputs.get(1)));
    rig.turn();

    assertThat(rig.book.byTaskId(0, "t0").requestId()).isEqualTo("r0");
    assertThat(rig.counter("nimble_worker_submissions_orphaned")).isEqualTo(1);
    assertThat(rig.lifecycle.submitter().callsOut()).isZero();
    assertThat(rig.lifecycle.submitter().submissionsInFlight()).isZero();
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
