package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.FAILURES;
import static dev.nimblekafka.worker.LifecycleRig.RESULTS;
import static dev.nimblekafka.worker.LifecycleRig.extract;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.callback.CallbackEndpoint;
import dev.nimblekafka.callback.CallbackHint;
import dev.nimblekafka.callback.CallbackTokens;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How results come back: callbacks, batches, the request's own storage, results too large. */
@Timeout(10)
class LifecycleDeliveryTest {
  private static final String[] CALLBACKS = {
    "CALLBACK_BASE_URL", "http://worker.local:8080", "CALLBACK_SECRET", "0123456789abcdef0123"
  };

  /** Callbacks on, and queued requests batched at once. */
  private static final String[] CALLBACKS_BATCHED = {
    "CALLBACK_BASE_URL", "http://worker.local:8080",
    "CALLBACK_SECRET", "0123456789abcdef0123",
    "BATCH_SUBMIT", "true",
    "BATCH_LINGER", "0"
  };

  @Test
  void withCallbacksATaskIsCheckedAtTheHintNotOnASchedule() {
    LifecycleRig rig = new LifecycleRig(CALLBACKS);
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    Call create = rig.nimble.only(Op.SUBMIT);
    assertThat(create.body.get("callback_url").asText()).startsWith("http://worker.local:8080/");
    create.task("t1", TaskState.PENDING);
    rig.advance(Duration.ofSeconds(30));
    assertThat(rig.nimble.open(Op.STATUS)).as("only the safety net polls").isEmpty();

    rig.events.add(new LoopEvent.Hint(new CallbackHint(0, "r1", "t1")));
    rig.turn();
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{}");
    rig.turn();
    rig.commit();
    assertThat(rig.committed(RESULTS)).hasSize(1);
  }

  private static CallbackHint said(String requestId, String taskId, String state) {
    TaskInfo task =
        new TaskInfo(
            taskId,
            TaskState.fromWire(state),
            state,
            null,
            null,
            null,
            "2026-12-01T10:00:00Z",
            "2026-12-01T10:00:02Z");
    return new CallbackHint(0, requestId, taskId, task);
  }

  private static LifecycleRig createdWithCallback() {
    LifecycleRig rig = new LifecycleRig(CALLBACKS);
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    return rig;
  }

  @Test
  void aCallbackSayingTheTaskSucceededFetchesTheResultsWithoutAStatusCheck() {
    LifecycleRig rig = createdWithCallback();
    rig.events.add(new LoopEvent.Hint(said("r1", "t1", "completed")));
    rig.turn();
    assertThat(rig.nimble.count(Op.STATUS)).as("the results call is the check").isZero();
    rig.nimble.only(Op.RESULTS).results("{\"data\":{}}");
    rig.turn();
    rig.commit();
    assertThat(rig.committed(RESULTS)).hasSize(1);
    assertThat(rig.lifecycle.book().byRequestId(0, "r1")).isNull();
  }

  @Test
  void aResultsFetchRefusedAfterACallbackLeadsToAStatusCheckNotToExpiry() {
    LifecycleRig rig = createdWithCallback();
    rig.events.add(new LoopEvent.Hint(said("r1", "t1", "success")));
    rig.turn();
    // Nimble: 404 "Task results not ready", the status an unknown task gets too
    rig.nimble.only(Op.RESULTS).fail(FakeNimble.rejected(404));
    rig.turn();
    assertThat(rig.outcomes(FAILURES, "TASK_EXPIRED")).isZero();
    assertThat(rig.open(FAILURES)).isEmpty();
    rig.nimble.only(Op.STATUS).task("t1", TaskState.RUNNING);
    rig.turn();
    assertThat(rig.nimble.open(Op.RESULTS)).isEmpty();

    rig.events.add(new LoopEvent.Hint(said("r1", "t1", "success")));
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{}");
    rig.turn();
    assertThat(rig.open(RESULTS)).hasSize(1);
  }

  @Test
  void aCallbackSayingTheTaskFailedIsCheckedBeforeAnythingIsDecided() {
    LifecycleRig rig = createdWithCallback();
    rig.events.add(new LoopEvent.Hint(said("r1", "t1", "failed")));
    rig.turn();
    assertThat(rig.nimble.count(Op.RESULTS)).isZero();
    rig.nimble.only(Op.STATUS).task("t1", TaskState.FAILED);
    rig.turn();
    assertThat(rig.nimble.open(Op.SUBMIT)).as("submitted again").hasSize(1);
  }

  @Test
  void aCallbackInAStateNobodyDocumentedIsChecked() {
    LifecycleRig rig = createdWithCallback();
    rig.events.add(new LoopEvent.Hint(said("r1", "t1", "uploading")));
    rig.turn();
    assertThat(rig.nimble.count(Op.RESULTS)).isZero();
    assertThat(rig.nimble.open(Op.STATUS)).hasSize(1);
  }

  @Test
  void aHintThatOvertakesTheCreateAnswerChecksAsSoonAsTheTaskIsKnown() {
    LifecycleRig rig = new LifecycleRig(CALLBACKS);
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    rig.events.add(new LoopEvent.Hint(new CallbackHint(0, "r1", "t1")));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    rig.turn();
    assertThat(rig.nimble.open(Op.STATUS)).hasSize(1);
  }

  @Test
  void aCallbackForABatchTaskThatOvertakesTheBatchAnswerChecksTheTaskAtOnce() {
    LifecycleRig rig = new LifecycleRig(CALLBACKS_BATCHED);
    rig.assign(0);
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.consume(0, null, extract("r1", "https://a.io/1"));
    rig.turn();
    Call batch = rig.nimble.only(Op.BATCH);
    // the batch's callback names its nonce, not a request, and comes before the batch's answer
    rig.events.add(new LoopEvent.Hint(new CallbackHint(0, "batch-nonce", "t1")));
    rig.turn();
    batch.batch("t0", "t1");
    rig.turn();
    rig.turn();
    assertThat(rig.nimble.open(Op.BATCH_STATUS))
        .extracting(c -> c.taskId)
        .as("checked at once through its batch, not after the safety net")
        .containsExactly("batch-1");
  }

  @Test
  void requestsOfSeveralPartitionsShareOneBatchWhoseCallbackNamesEachPartition() {
    LifecycleRig rig = new LifecycleRig(CALLBACKS_BATCHED);
    rig.assign(0);
    rig.assign(3);
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.consume(3, null, extract("r1", "https://a.io/1"));
    rig.turn();
    Call batch = rig.nimble.only(Op.BATCH);
    assertThat(batch.body.get("inputs")).as("one create call for both partitions").hasSize(2);
    String url = batch.body.path("shared_inputs").path("callback_url").asText();
    String token =
        url.substring(url.indexOf(CallbackEndpoint.PATH) + CallbackEndpoint.PATH.length());
    CallbackTokens.Claim claim = new CallbackTokens("0123456789abcdef0123").verify(token).get();
    assertThat(claim.partitions()).containsExactly(0, 3);
    batch.batch("t0", "t1");
    rig.turn();

    TaskInfo done =
        new TaskInfo(
            "t1",
            TaskState.SUCCEEDED,
            "completed",
            null,
            null,
            null,
            "2026-12-01T10:00:00Z",
            "2026-12-01T10:00:02Z");
    rig.events.add(new LoopEvent.Hint(new CallbackHint(List.of(0, 3), claim.scope(), "t1", done)));
    rig.turn();
    assertThat(rig.nimble.only(Op.RESULTS).taskId).isEqualTo("t1");
  }

  @Test
  void inABacklogOneSlotFreedWaitsForOthersToShareItsBatch() {
    String[] settings = {
      "CALLBACK_BASE_URL", "http://worker.local:8080",
      "CALLBACK_SECRET", "0123456789abcdef0123",
      "BATCH_SUBMIT", "true",
      "NIMBLE_PLAN_TASKS", "4",
      "NIMBLE_QUEUE_AHEAD_PERCENT", "100"
    };
    LifecycleRig rig = new LifecycleRig(settings);
    rig.assign(0);
    for (int i = 0; i < 20; i++) {
      rig.consume(0, null, extract("r" + i, "https://a.io/" + i));
    }
    rig.turn();
    rig.advance(Duration.ofMillis(20)); // the linger
    Call first = rig.nimble.only(Op.BATCH);
    assertThat(first.body.get("inputs")).as("the plan and as many queued ahead").hasSize(8);
    first.batch("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7");
    rig.turn();
    rig.advance(Duration.ofSeconds(5)); // the backlog's requests have waited longer than any linger

    rig.events.add(new LoopEvent.Hint(said("r0", "t0", "completed")));
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{}");
    rig.turn();
    rig.advance(Duration.ofMillis(50));
    assertThat(rig.nimble.open(Op.SUBMIT)).as("one slot freed does not go alone").isEmpty();
    assertThat(rig.nimble.open(Op.BATCH)).isEmpty();

    rig.events.add(new LoopEvent.Hint(said("r1", "t1", "completed")));
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{}");
    rig.turn();
    rig.advance(Duration.ofMillis(20));
    assertThat(rig.nimble.only(Op.BATCH).body.get("inputs"))
        .as("half of those queued ahead are free: both go in one call")
        .hasSize(2);
  }

  @Test
  void aHintForATaskThisPodDoesNotHoldChangesNothing() {
    LifecycleRig rig = new LifecycleRig(CALLBACKS);
    rig.assign(0);
    rig.events.add(new LoopEvent.Hint(new CallbackHint(0, "nobody", "t9")));
    rig.events.add(new LoopEvent.Hint(new CallbackHint(5, "nobody", "t9")));
    rig.turn();
    assertThat(rig.nimble.calls()).isEmpty();
  }

  @Test
  void queuedRequestsGoInOneBatchAndEachGetsItsOwnTask() {
    LifecycleRig rig = new LifecycleRig("BATCH_SUBMIT", "true", "BATCH_LINGER", "200ms");
    rig.assign(0);
    for (int i = 0; i < 3; i++) {
      rig.consume(0, null, extract("r" + i, "https://a.io/" + i));
    }
    rig.turn();
    assertThat(rig.nimble.calls()).as("waits for the linger").isEmpty();
    rig.advance(Duration.ofMillis(200));
    Call batch = rig.nimble.only(Op.BATCH);
    assertThat(batch.body.get("inputs")).hasSize(3);
    batch.batch("t0", "t1", "t2");
    rig.turn();
    for (int i = 0; i < 3; i++) {
      assertThat(rig.book.byTaskId(0, "t" + i).requestId()).isEqualTo("r" + i);
    }
    assertThat(rig.book.slotsUsed()).isEqualTo(3);
  }

  @Test
  void aBatchRefusedAsAWholeIsSubmittedOneByOne() {
    LifecycleRig rig = new LifecycleRig("BATCH_SUBMIT", "true", "BATCH_LINGER", "0");
    rig.assign(0);
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.consume(0, null, extract("r1", "https://a.io/1"));
    rig.turn();
    rig.nimble.only(Op.BATCH).fail(FakeNimble.rejected(400));
    rig.turn();
    List<Call> singles = rig.nimble.open(Op.SUBMIT);
    assertThat(singles)
        .extracting(c -> c.body.get("url").asText())
        .containsExactly("https://a.io/0", "https://a.io/1");
  }

  @Test
  void aResultInTheRequestsOwnStorageIsPublishedWithoutADownload() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(
        0,
        null,
        "{\"request_id\":\"r1\",\"extract\":{\"url\":\"https://a.io\",\"storage_type\":\"s3\","
            + "\"storage_url\":\"s3://bucket/out/\"}}");
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    rig.commit();
    assertThat(rig.nimble.count(Op.RESULTS)).isZero();
    JsonNode result = rig.committed(RESULTS).get(0);
    assertThat(result.get("result_location").get("url").asText())
        .isEqualTo("s3://bucket/out/t1.json");
  }

  @Test
  void aResultTooLargeForTheTopicFailsWithWhereToDownloadIt() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.created(0, "r1", "t1");
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{\"blob\":\"" + "x".repeat(1_100_000) + "\"}");
    rig.turn();
    rig.commit();
    JsonNode failure = rig.committed(FAILURES).get(0);
    assertThat(failure.get("error").get("code").asText()).isEqualTo("RESULT_TOO_LARGE");
    assertThat(failure.get("error").get("details").get("results_url").asText())
        .isEqualTo("http://nimble/v1/tasks/t1/results");
  }

  @Test
  void nothingStartsWhileTheCircuitIsOpen() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.nimble.circuitOpen = true;
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.advance(Duration.ofMinutes(1));
    assertThat(rig.nimble.calls()).isEmpty();
    assertThat(rig.lifecycle.submitter().submitBlock()).isEqualTo(PauseReason.CIRCUIT_OPEN);
    rig.nimble.circuitOpen = false;
    rig.turn();
    assertThat(rig.nimble.open(Op.SUBMIT)).hasSize(1);
  }
}
