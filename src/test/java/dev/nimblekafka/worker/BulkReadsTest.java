package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.FakeNimble.info;
import static dev.nimblekafka.worker.LifecycleRig.RESULTS;
import static dev.nimblekafka.worker.LifecycleRig.extract;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.task.TaskPhase;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Status reads that serve many tasks with one call: the account's latest tasks, and a batch. On
 * fakes and a manual clock.
 */
@Timeout(10)
class BulkReadsTest {

  private static LifecycleRig rig(String... more) {
    String[] settings = new String[more.length + 2];
    settings[0] = "POLL_LIST_LIMIT";
    settings[1] = "500";
    System.arraycopy(more, 0, settings, 2, more.length);
    return new LifecycleRig(settings);
  }

  /** The state record of request r0, whose task t0 was created in batch {@code batchId}. */
  private static StoredTask storedInBatch(String batchId) {
    byte[] request = extract("r0", "https://a.io").getBytes(StandardCharsets.UTF_8);
    return new StoredTask(
        "r0",
        "t0",
        Kind.EXTRACT,
        1,
        0,
        0,
        "nimble.requests",
        3,
        request,
        false,
        null,
        null,
        batchId);
  }

  @Test
  void tasksDueAreReadWithOneCallOfTheLatestTasks() {
    LifecycleRig rig = rig();
    rig.assign(0);
    rig.created(0, "r0", "t0");
    rig.created(0, "r1", "t1");
    rig.created(0, "r2", "t2");

    rig.advance(Duration.ofSeconds(10));
    assertThat(rig.nimble.count(Op.STATUS)).as("no call per task").isZero();
    rig.nimble
        .only(Op.LATEST)
        .states(info("t0", TaskState.SUCCEEDED), info("t1", TaskState.RUNNING));
    rig.turn();

    assertThat(rig.nimble.only(Op.RESULTS).taskId).isEqualTo("t0");
    assertThat(rig.nimble.only(Op.STATUS).taskId)
        .as("a task the list did not show is read on its own")
        .isEqualTo("t2");
    assertThat(rig.book.byTaskId(0, "t2").unlisted()).isTrue();
    assertThat(rig.book.byTaskId(0, "t1").phase()).isEqualTo(TaskPhase.WAITING);
  }

  @Test
  void theLatestTasksAreReadAtMostOnceASecond() {
    LifecycleRig rig = rig();
    rig.assign(0);
    rig.created(0, "r0", "t0");
    rig.advance(Duration.ofSeconds(10));
    rig.nimble.only(Op.LATEST).states(info("t0", TaskState.RUNNING));
    rig.turn();
    rig.created(0, "r1", "t1"); // due at once: the fastest tasks take no time yet

    rig.advance(Duration.ofMillis(900));
    assertThat(rig.nimble.open(Op.LATEST)).as("not within a second of the last").isEmpty();
    assertThat(rig.nimble.count(Op.STATUS)).isZero();
    rig.advance(Duration.ofMillis(150));
    assertThat(rig.nimble.open(Op.LATEST)).as("one read for both").hasSize(1);
  }

  @Test
  void aFinishedTaskTheListShowsIsSettledEvenIfItWasNotDueYet() {
    LifecycleRig rig = rig();
    rig.assign(0);
    rig.created(0, "r0", "t0");
    rig.advance(Duration.ofSeconds(10));
    Call first = rig.nimble.only(Op.LATEST);
    rig.created(0, "r1", "t1"); // created while the read was out: not due for it
    first.states(info("t0", TaskState.RUNNING), info("t1", TaskState.SUCCEEDED));
    rig.turn();
    assertThat(rig.nimble.only(Op.RESULTS).taskId).isEqualTo("t1");
  }

  @Test
  void tasksOfABatchTheListDoesNotShowAreReadThroughTheirBatchWithOneCall() {
    LifecycleRig rig = rig("BATCH_SUBMIT", "true", "BATCH_LINGER", "0");
    rig.assign(0);
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.consume(0, null, extract("r1", "https://a.io/1"));
    rig.turn();
    rig.nimble.only(Op.BATCH).batchNamed("b-7", "t0", "t1");
    rig.turn();

    rig.advance(Duration.ofSeconds(10));
    rig.nimble.only(Op.LATEST).states(); // other clients' tasks pushed them off the page
    rig.turn();
    assertThat(rig.nimble.count(Op.STATUS)).isZero();
    Call batch = rig.nimble.only(Op.BATCH_STATUS);
    assertThat(batch.taskId).isEqualTo("b-7");
    batch.states(info("t0", TaskState.SUCCEEDED), info("t1", TaskState.RUNNING));
    rig.turn();
    assertThat(rig.nimble.only(Op.RESULTS).taskId).isEqualTo("t0");
  }

  @Test
  void aRestoredTaskIsCheckedThroughTheBatchItsStateRecordNames() {
    LifecycleRig rig = rig();
    StoredTask stored = storedInBatch("b-9");
    rig.assign(0, stored);
    rig.advance(Duration.ofSeconds(12));
    assertThat(rig.nimble.count(Op.LATEST)).isZero();
    assertThat(rig.nimble.count(Op.STATUS)).isZero();
    Call batch = rig.nimble.only(Op.BATCH_STATUS);
    assertThat(batch.taskId).isEqualTo("b-9");
    batch.states(info("t0", TaskState.SUCCEEDED));
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{\"data\":{}}");
    rig.turn();
    assertThat(rig.open(RESULTS)).hasSize(1);
  }

  @Test
  void aTaskItsBatchNoLongerShowsIsReadOnItsOwn() {
    LifecycleRig rig = rig();
    rig.assign(0, storedInBatch("b-9"));
    rig.advance(Duration.ofSeconds(12));
    rig.nimble.only(Op.BATCH_STATUS).states((dev.nimblekafka.nimble.TaskInfo) null);
    rig.turn();
    assertThat(rig.nimble.only(Op.STATUS).taskId).isEqualTo("t0");
    assertThat(rig.book.byTaskId(0, "t0").batchId()).isNull();
  }

  @Test
  void aBatchNimbleDoesNotKnowSendsEachTaskToItsOwnCheckNotToExpiry() {
    LifecycleRig rig = rig();
    rig.assign(0, storedInBatch("b-9"));
    rig.advance(Duration.ofSeconds(12));
    rig.nimble.only(Op.BATCH_STATUS).fail(FakeNimble.rejected(404));
    rig.turn();
    assertThat(rig.nimble.only(Op.STATUS).taskId).isEqualTo("t0");
    assertThat(rig.outcomes(LifecycleRig.FAILURES, "TASK_EXPIRED")).isZero();
  }

  @Test
  void aRefusedReadOfTheLatestTasksFallsBackToOneCallPerTask() {
    LifecycleRig rig = rig();
    rig.assign(0);
    rig.created(0, "r0", "t0");
    rig.created(0, "r1", "t1");
    rig.advance(Duration.ofSeconds(10));
    rig.nimble.only(Op.LATEST).fail(FakeNimble.rejected(400));
    rig.turn();
    rig.nimble.open(Op.STATUS).forEach(c -> c.task(c.taskId, TaskState.RUNNING));
    rig.advance(Duration.ofSeconds(2));
    // tried once more with Nimble's default page, refused again
    rig.nimble.only(Op.LATEST).fail(FakeNimble.rejected(400));
    rig.turn();
    assertThat(rig.nimble.open(Op.STATUS)).extracting(c -> c.taskId).contains("t0", "t1");
    rig.nimble.open(Op.STATUS).forEach(c -> c.task(c.taskId, TaskState.RUNNING));
    rig.advance(Duration.ofMinutes(1));
    assertThat(rig.nimble.count(Op.LATEST)).as("never again").isEqualTo(2);
  }

  @Test
  void aFailedReadOfTheLatestTasksIsTriedAgainLaterNotAtOnce() {
    LifecycleRig rig = rig();
    rig.assign(0);
    rig.created(0, "r0", "t0");
    rig.advance(Duration.ofSeconds(10));
    rig.nimble.only(Op.LATEST).fail(FakeNimble.unavailable(503, null));
    rig.turn();
    rig.advance(Duration.ofSeconds(1));
    assertThat(rig.nimble.open(Op.LATEST)).isEmpty();
    rig.advance(Duration.ofSeconds(30));
    assertThat(rig.nimble.open(Op.LATEST)).hasSize(1);
  }
}
