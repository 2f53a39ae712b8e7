package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.FAILURES;
import static dev.nimblekafka.worker.LifecycleRig.RESULTS;
import static dev.nimblekafka.worker.LifecycleRig.STATE;
import static dev.nimblekafka.worker.LifecycleRig.extract;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.publish.OutputException;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.task.TaskPhase;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request's life, one transition at a time, on fakes and a clock that moves only when told: no
 * broker, no HTTP, no waiting.
 */
@Timeout(10)
class LifecycleTest {

  @Test
  void aRequestIsRecordedAtOnceThenCreatedCheckedFetchedAndPublished() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(
        0,
        "k",
        "{\"request_id\":\"r1\",\"extract\":{\"url\":\"https://a.io\"},\"metadata\":{\"o\":7}}");
    assertThat(rig.open(STATE))
        .singleElement()
        .satisfies(s -> assertThat(s.get("task_id").isNull()).isTrue());
    assertThat(rig.book.queued()).isEqualTo(1);

    rig.turn();
    Call create = rig.nimble.only(Op.SUBMIT);
    assertThat(create.body.get("url").asText()).isEqualTo("https://a.io");
    assertThat(rig.book.slotsUsed()).as("the create call takes a slot").isEqualTo(1);
    create.task("t1", TaskState.PENDING);
    rig.turn();
    assertThat(rig.open(STATE))
        .last()
        .satisfies(s -> assertThat(s.get("task_id").asText()).isEqualTo("t1"));
    assertThat(rig.book.byTaskId(0, "t1").phase()).isEqualTo(TaskPhase.WAITING);

    rig.advance(Duration.ofSeconds(9));
    assertThat(rig.nimble.open(Op.STATUS)).as("not checked before the expected duration").isEmpty();
    rig.advance(Duration.ofSeconds(2));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.RUNNING);
    rig.turn();
    assertThat(rig.book.byTaskId(0, "t1").phase()).isEqualTo(TaskPhase.WAITING);
    assertThat(rig.open(RESULTS)).isEmpty();

    rig.advance(Duration.ofSeconds(30));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    assertThat(rig.book.slotsUsed()).as("a finished task frees its slot").isZero();
    rig.nimble.only(Op.RESULTS).results("{\"html\":\"<p>\"}");
    rig.turn();
    rig.commit();

    JsonNode result = rig.committed(RESULTS).get(0);
    assertThat(result.get("request_id").asText()).isEqualTo("r1");
    assertThat(result.get("task_id").asText()).isEqualTo("t1");
    assertThat(result.get("metadata").get("o").asInt()).isEqualTo(7);
    assertThat(result.get("result").get("html").asText()).isEqualTo("<p>");
    assertThat(rig.committed(STATE)).last().as("the state record ends").isNull();
    assertThat(rig.book.pendingIn(0)).isZero();
    assertThat(rig.outcomes("results", "OK")).isEqualTo(1);
    assertThat(rig.nimble.count(Op.STATUS)).isEqualTo(2);
  }

  @Test
  void aTaskNimbleFailedIsSubmittedAgainUntilTheAttemptsRunOut() {
    LifecycleRig rig = new LifecycleRig("TASK_MAX_ATTEMPTS", "2");
    rig.assign(0);
    rig.created(0, "r1", "t1");
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.FAILED);
    rig.turn();
    assertThat(rig.book.byTaskId(0, "t1")).as("the failed task is forgotten").isNull();
    rig.nimble.only(Op.SUBMIT).task("t2", TaskState.PENDING);
    rig.turn();
    assertThat(rig.counter("nimble_worker_tasks_resubmitted")).isEqualTo(1);
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t2", TaskState.FAILED);
    rig.turn();
    rig.commit();

    JsonNode failure = rig.committed(FAILURES).get(0);
    assertThat(failure.get("error").get("code").asText()).isEqualTo("TASK_FAILED");
    assertThat(failure.get("task_id").asText()).isEqualTo("t2");
    assertThat(failure.get("attempts").asInt()).isEqualTo(2);
    assertThat(rig.nimble.count(Op.SUBMIT)).isEqualTo(2);
    assertThat(rig.book.slotsUsed()).isZero();
  }

  @Test
  void aTaskOlderThanTheRetentionExpires() {
    LifecycleRig rig = new LifecycleRig("TASK_RETENTION", "1m");
    rig.assign(0);
    rig.created(0, "r1", "t1");
    rig.advance(Duration.ofMinutes(2));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.RUNNING);
    rig.turn();
    rig.commit();
    JsonNode failure = rig.committed(FAILURES).get(0);
    assertThat(failure.get("error").get("code").asText()).isEqualTo("TASK_EXPIRED");
    assertThat(failure.get("stage").asText()).isEqualTo("task");
  }

  @Test
  void aTaskNimbleNoLongerKnowsExpiresWithItsStatus() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.created(0, "r1", "t1");
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).fail(FakeNimble.rejected(404));
    rig.turn();
    rig.commit();
    JsonNode failure = rig.committed(FAILURES).get(0);
    assertThat(failure.get("error").get("code").asText()).isEqualTo("TASK_EXPIRED");
    assertThat(failure.get("error").get("http_status").asInt()).isEqualTo(404);
  }

  @Test
  void aStatusCheckThatFailsIsTriedAgainNoSoonerThanRetryAfter() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.created(0, "r1", "t1");
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).fail(FakeNimble.unavailable(429, Duration.ofSeconds(20)));
    rig.advance(Duration.ofSeconds(19));
    assertThat(rig.nimble.open(Op.STATUS)).isEmpty();
    rig.advance(Duration.ofSeconds(2));
    assertThat(rig.nimble.open(Op.STATUS)).hasSize(1);
  }

  @Test
  void aResultDownloadThatFailsIsCheckedAndDownloadedAgain() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.created(0, "r1", "t1");
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).fail(FakeNimble.unavailable(503, null));
    rig.turn();
    assertThat(rig.book.byTaskId(0, "t1").phase()).isEqualTo(TaskPhase.WAITING);
    rig.advance(Duration.ofSeconds(1));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{}");
    rig.turn();
    rig.commit();
    assertThat(rig.committed(RESULTS)).hasSize(1);
  }

  @Test
  void aRequestNimbleRefusesFailsAtSubmitAndFreesItsSlot() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, "key-1", extract("r1", "https://a.io"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.rejected(400));
    rig.turn();
    rig.commit();
    JsonNode failure = rig.committed(FAILURES).get(0);
    assertThat(failure.get("stage").asText()).isEqualTo("submit");
    assertThat(failure.get("error").get("http_status").asInt()).isEqualTo(400);
    assertThat(failure.get("request_key").asText()).isEqualTo("key-1");
    assertThat(rig.book.slotsUsed()).isZero();
    assertThat(rig.book.pendingIn(0)).isZero();
  }

  @Test
  void aCreateNimbleCannotTakeNowGoesBackToTheQueueUntilRetryAfter() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.unavailable(429, Duration.ofSeconds(5)));
    rig.turn();
    assertThat(rig.book.queued()).isEqualTo(1);
    assertThat(rig.book.slotsUsed()).isZero();
    rig.advance(Duration.ofSeconds(4));
    assertThat(rig.nimble.open(Op.SUBMIT)).isEmpty();
    rig.advance(Duration.ofSeconds(1));
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    assertThat(rig.book.byTaskId(0, "t1")).isNotNull();
  }

  @Test
  void paymentRequiredSendsOneProbeAtATimeAndResumesWhenNimbleAccepts() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    for (int i = 0; i < 3; i++) {
      rig.consume(0, null, extract("r" + i, "https://a.io/" + i));
    }
    rig.turn();
    for (Call call : rig.nimble.open(Op.SUBMIT)) {
      call.fail(FakeNimble.denied(402));
    }
    rig.turn();
    assertThat(rig.lifecycle.submitter().submitBlock()).isEqualTo(PauseReason.BUDGET);
    assertThat(rig.book.queued()).isEqualTo(3);

    rig.advance(Duration.ofSeconds(29));
    assertThat(rig.nimble.open(Op.SUBMIT)).isEmpty();
    rig.advance(Duration.ofSeconds(1));
    assertThat(rig.nimble.open(Op.SUBMIT)).as("one probe").hasSize(1);
    rig.advance(Duration.ofSeconds(40));
    assertThat(rig.nimble.open(Op.SUBMIT)).as("still one probe while it is out").hasSize(1);
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.denied(402));
    rig.advance(Duration.ofSeconds(30));
    rig.nimble.only(Op.SUBMIT).task("t0", TaskState.PENDING);
    rig.turn();
    assertThat(rig.lifecycle.submitter().submitBlock()).isNull();
    assertThat(rig.nimble.open(Op.SUBMIT)).as("the others go once Nimble accepts").hasSize(2);
  }

  @Test
  void aProbeWhosePartitionMovedDoesNotBlockSubmissions() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.denied(401));
    rig.advance(Duration.ofSeconds(30));
    Call probe = rig.nimble.only(Op.SUBMIT);
    rig.lifecycle.drop(0); // revoked, lost, or rewound while the probe is out
    rig.assign(1);
    rig.consume(1, null, extract("r1", "https://a.io/1"));
    probe.fail(FakeNimble.denied(401)); // the answer comes, for a partition no longer held
    rig.advance(Duration.ofSeconds(30));
    assertThat(rig.nimble.open(Op.SUBMIT)).as("a new probe goes out").hasSize(1);
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    assertThat(rig.lifecycle.submitter().submitBlock()).isNull();
    assertThat(rig.book.byTaskId(1, "t1")).isNotNull();
  }

  @Test
  void anAnswerThatIsNotTheProbesDoesNotLetASecondProbeGo() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.consume(0, null, extract("r1", "https://a.io/1"));
    rig.turn();
    List<Call> first = rig.nimble.open(Op.SUBMIT);
    first.get(0).fail(FakeNimble.denied(402));
    rig.advance(Duration.ofSeconds(30));
    assertThat(rig.nimble.open(Op.SUBMIT)).hasSize(2); // the probe and the older call
    first.get(1).fail(FakeNimble.unavailable(429, null)); // the older call, not the probe
    rig.advance(Duration.ofSeconds(31));
    assertThat(rig.nimble.open(Op.SUBMIT)).as("only the first probe is out").hasSize(1);
  }

  @Test
  void aPartitionRevokedWhileACreateIsInFlightIgnoresTheLateAnswer() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    rig.commit();
    Call create = rig.nimble.only(Op.SUBMIT);
    rig.lifecycle.drop(0);
    assertThat(rig.book.slotsUsed()).isZero();
    create.task("t1", TaskState.PENDING);
    rig.turn();
    assertThat(rig.output.open()).as("nothing written for a partition given away").isEmpty();
    assertThat(rig.counter("nimble_worker_submissions_orphaned")).isEqualTo(1);
    assertThat(rig.book.slotsUsed()).isZero();
  }

  @Test
  void aPartitionRevokedWhileACheckIsInFlightIgnoresTheLateAnswer() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.created(0, "r1", "t1");
    rig.advance(Duration.ofSeconds(11));
    Call check = rig.nimble.only(Op.STATUS);
    rig.commit();
    rig.lifecycle.drop(0);
    check.task("t1", TaskState.SUCCEEDED);
    rig.turn();
    assertThat(rig.nimble.open(Op.RESULTS)).isEmpty();
    assertThat(rig.output.open()).isEmpty();
  }

  @Test
  void outcomesCountWhenTheirUnitCommitsNotWhenSent() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, "not json");
    assertThat(rig.open(FAILURES)).hasSize(1);
    assertThat(rig.outcomes("failures", "INVALID_JSON")).as("not before the commit").isZero();
    rig.output.failNextCommit(new OutputException("fenced", null, false));
    assertThatThrownBy(rig::commit).isInstanceOf(OutputException.class);
    assertThat(rig.outcomes("failures", "INVALID_JSON"))
        .as("a failed commit counts nothing")
        .isZero();
    rig.commit(); // the same unit, written again
    assertThat(rig.committed(FAILURES)).hasSize(1);
    assertThat(rig.outcomes("failures", "INVALID_JSON")).isEqualTo(1);
  }

  @Test
  void aRecordThatIsNotARequestFailsUnderTheKeyItWasProducedWith() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, "order-42", "not json");
    rig.consume(0, null, new byte[] {(byte) 0xff, (byte) 0xfe});
    rig.consume(0, "order-43", "{\"request_id\":\"r-43\",\"extract\":{}}");
    rig.commit();
    var records = rig.output.committed(FAILURES);
    assertThat(new String(records.get(0).key())).isEqualTo("order-42");
    JsonNode first = LifecycleRig.json(records.get(0).value());
    assertThat(first.get("request_key").asText()).isEqualTo("order-42");
    assertThat(first.get("request_id").asText()).isEqualTo("requests-0-0");
    assertThat(new String(records.get(1).key()))
        .as("no key of its own: the derived id")
        .isEqualTo("requests-0-1");
    assertThat(LifecycleRig.json(records.get(1).value()).get("request_key").isNull()).isTrue();
    assertThat(new String(records.get(2).key()))
        .as("a readable request id keys its failure")
        .isEqualTo("r-43");
    assertThat(LifecycleRig.json(records.get(2).value()).get("request_key").asText())
        .isEqualTo("order-43");
  }

  @Test
  void aDuplicateOfAPendingRequestIsNotSubmittedAgain() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    assertThat(rig.nimble.count(Op.SUBMIT)).isEqualTo(1);
    assertThat(rig.counter("nimble_worker_requests_duplicate")).isEqualTo(1);
    assertThat(rig.book.committable(p -> 0L)).containsEntry(0, 2L);
  }

  @Test
  void aFailedRestoreIsTriedAgainAfterABackOffNotOnEveryTurn() {
    LifecycleRig rig = new LifecycleRig();
    rig.lifecycle.assign(0, 1, TaskBook.Handover.CLEAN);
    assertThat(rig.restorer.asked).hasSize(1);
    rig.events.add(new LoopEvent.RestoreFailed(0, 1, new IllegalStateException("ACL")));
    for (int i = 0; i < 50; i++) {
      rig.turn();
    }
    assertThat(rig.restorer.asked).as("not again at once").hasSize(1);
    rig.advance(Duration.ofMillis(500));
    assertThat(rig.restorer.asked).hasSize(2);
    rig.events.add(new LoopEvent.RestoreFailed(0, 1, new IllegalStateException("ACL")));
    rig.advance(Duration.ofMillis(999));
    assertThat(rig.restorer.asked).as("twice as long the second time").hasSize(2);
    rig.advance(Duration.ofMillis(1));
    assertThat(rig.restorer.asked).hasSize(3);
    rig.events.add(new LoopEvent.Restored(0, 1, List.of(), 0));
    rig.turn();
    assertThat(rig.book.restored(0)).isTrue();
  }

  @Test
  void aRestoreFailureFromAnEarlierOwnershipIsNotRetried() {
    LifecycleRig rig = new LifecycleRig();
    rig.lifecycle.assign(0, 1, TaskBook.Handover.CLEAN);
    rig.lifecycle.drop(0);
    rig.lifecycle.assign(0, 2, TaskBook.Handover.CLEAN);
    rig.events.add(new LoopEvent.RestoreFailed(0, 1, new IllegalStateException("old")));
    rig.advance(Duration.ofMinutes(1));
    assertThat(rig.restorer.asked).extracting(FakeRestorer.Ask::epoch).containsExactly(1L, 2L);
  }
}
