package dev.nimblekafka.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.request.ExtractionRequest;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.request.RequestHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskLifecycleTest {

  @Test
  void aTaskMovesThroughItsLifeAndRejectsIllegalMoves() {
    TaskBook book = new TaskBook();
    book.assign(0, 1, TaskBook.Handover.CLEAN);
    PendingTask task = consumed("r1", 5);
    book.admit(task, 0);
    assertThat(task.phase()).isEqualTo(TaskPhase.QUEUED);
    assertThatThrownBy(() -> book.checking(task))
        .isInstanceOf(TaskPhase.IllegalTransitionException.class)
        .hasMessage("illegal task transition queued -> checking");
    book.submitting(task, false, 0);
    book.created(task, "t1", 1_000, 2_000);
    assertThat(task.phase()).isEqualTo(TaskPhase.WAITING);
    assertThat(task.attempts()).isEqualTo(1);
    book.checking(task);
    book.fetching(task, 1_500);
    book.finish(task);
    assertThatThrownBy(() -> book.requeue(task, false, 0))
        .isInstanceOf(TaskPhase.IllegalTransitionException.class);
  }

  @Test
  void theBookMovesEveryIndexWithThePhase() {
    TaskBook book = new TaskBook();
    book.assign(0, 1, TaskBook.Handover.CLEAN);
    PendingTask a = consumed("a", 0);
    PendingTask b = consumed("b", 1);
    book.admit(a, 0);
    book.admit(b, 0);
    book.settled(0, 1);
    assertThat(book.queuedHead(10)).containsExactly(a, b);
    assertThat(book.committable(p -> 0L)).containsEntry(0, 2L);

    book.submitting(a, false, 0);
    assertThat(book.queuedHead(10)).containsExactly(b);
    assertThat(book.slotsUsed()).isEqualTo(1);
    assertThat(book.submittingIn(0)).isEqualTo(1);
    book.created(a, "t-a", 100, 500);
    assertThat(book.byTaskId(0, "t-a")).isSameAs(a);
    assertThat(book.due(499, 10)).isEmpty();
    assertThat(book.due(500, 10)).containsExactly(a);

    book.checking(a);
    book.requeue(a, false, 600); // Nimble failed the task: another attempt
    assertThat(book.byTaskId(0, "t-a")).as("the failed task is forgotten").isNull();
    assertThat(book.queuedHead(10)).as("a retry goes first").containsExactly(a, b);
    assertThat(book.slotsUsed()).isZero();
    assertThat(a.alone()).as("a retry is never batched").isTrue();

    book.submitting(a, false, 0);
    book.created(a, "t-a2", 700, 800);
    assertThat(book.byTaskId(0, "t-a2")).isSameAs(a);
    assertThat(a.attempts()).isEqualTo(2);
    book.drop(0);
    assertThat(a.phase()).isEqualTo(TaskPhase.DONE);
    assertThat(book.slotsUsed()).isZero();
    assertThat(book.queued()).isZero();
    assertThat(book.current(a, 1)).isFalse();
  }

  @Test
  void aRestoredPartitionWatchesItsTasksAndQueuesItsRequestsWithoutOne() {
    TaskBook book = new TaskBook();
    book.assign(3, 7, TaskBook.Handover.CLEAN);
    byte[] request = "{\"extract\":{\"url\":\"https://a.io\"}}".getBytes(StandardCharsets.UTF_8);
    StoredTask created =
        new StoredTask("r1", "t1", Kind.EXTRACT, 1, 10, 10, "requests", 4, request, false, null);
    StoredTask recorded =
        new StoredTask("r2", null, Kind.EXTRACT, 0, 0, 0, "requests", 5, request, false, null);
    assertThat(book.restore(3, 6, List.of(created), s -> facts(s.requestId()), 0, t -> 0))
        .as("a restore from an earlier ownership is ignored")
        .isFalse();
    assertThat(
            book.restore(
                3, 7, List.of(created, recorded), s -> facts(s.requestId()), 0, t -> 1_000))
        .isTrue();
    assertThat(book.restored(3)).isTrue();
    assertThat(book.slotsUsed()).isEqualTo(1);
    assertThat(book.byTaskId(3, "t1").phase()).isEqualTo(TaskPhase.WAITING);
    assertThat(book.queuedHead(10)).extracting(PendingTask::requestId).containsExactly("r2");
    assertThat(book.due(1_000, 10)).extracting(PendingTask::requestId).containsExactly("r1");
  }

  @Test
  void onlyTasksAtNimbleOccupyASlot() {
    assertThat(TaskPhase.QUEUED.occupiesSlot()).isFalse();
    assertThat(TaskPhase.SUBMITTING.occupiesSlot()).isTrue();
    assertThat(TaskPhase.WAITING.occupiesSlot()).isTrue();
    assertThat(TaskPhase.CHECKING.occupiesSlot()).isTrue();
    assertThat(TaskPhase.FETCHING.occupiesSlot()).isFalse();
  }

  @Test
  void aStoredTaskSurvivesTheStateTopicRoundTrip() {
    StateCodec codec = new StateCodec(new ObjectMapper());
    byte[] request =
        "{\"request_id\":\"r1\",\"extract\":{\"url\":\"https://a.io\"},\"metadata\":[1,\"\\u00e9\"]}"
            .getBytes(StandardCharsets.UTF_8);
    StoredTask stored =
        new StoredTask("r1", "t1", Kind.AGENT, 2, 1_000, 500, "requests", 77, request, true, null);
    StoredTask back = codec.decode(codec.encode(stored));
    assertThat(back.requestId()).isEqualTo("r1");
    assertThat(back.taskId()).isEqualTo("t1");
    assertThat(back.kind()).isEqualTo(Kind.AGENT);
    assertThat(back.attempts()).isEqualTo(2);
    assertThat(back.firstSubmittedAt()).isEqualTo(500);
    assertThat(back.sourceOffset()).isEqualTo(77);
    assertThat(new String(back.request(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"request_id\":\"r1\",\"extract\":{\"url\":\"https://a.io\"},\"metadata\":[1,\"é\"]}");
    assertThatThrownBy(() -> codec.decode("{\"v\":99}".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theFirstCheckLandsNearTheLearnedDurationAndLaterOnesBackOff() {
    DurationEstimator estimator = new DurationEstimator(5_000);
    PollPolicy schedule = policy(estimator, 0.5);
    assertThat(schedule.nextDelay(0, 0)).isBetween(5_000L, 5_400L);
    PollPolicy earliest = policy(estimator, 0.0);
    assertThat(earliest.nextDelay(0, 0))
        .as("never before the expected duration")
        .isGreaterThan(5_000L);
    for (int i = 0; i < 100; i++) {
      estimator.observe(2_000);
    }
    assertThat(estimator.expectedMillis()).isEqualTo(2_000);
    long first = schedule.nextDelay(0, 0);
    assertThat(first).isBetween(2_000L, 2_150L);
    long second = schedule.nextDelay(1, first);
    long third = schedule.nextDelay(2, first + second);
    assertThat(second).isGreaterThanOrEqualTo(1_000L);
    assertThat(third).isGreaterThan(second);
    assertThat(schedule.nextDelay(40, 0)).isLessThanOrEqualTo(30_000L);
  }

  @Test
  void timersReturnOnlyWaitingTasksWhoseDueTimeStillHolds() {
    TaskTimers timers = new TaskTimers();
    PendingTask a = waiting("a");
    PendingTask b = waiting("b");
    timers.schedule(a, 100);
    timers.schedule(b, 200);
    timers.schedule(a, 300); // rescheduled: the entry at 100 is stale
    assertThat(timers.due(250, 10)).containsExactly(b);
    assertThat(timers.due(350, 10)).containsExactly(a);
    assertThat(timers.nextDueIn(400)).isEqualTo(-1);
  }

  @Test
  void aTaskScheduledForTheSameMomentTwiceIsHandedOutOnce() {
    TaskTimers timers = new TaskTimers();
    PendingTask a = waiting("a");
    timers.schedule(a, 100);
    timers.schedule(a, 300);
    timers.schedule(a, 100); // back to the first moment: two entries now match
    assertThat(timers.due(350, 10))
        .as("checked twice, the second check would throw")
        .containsExactly(a);
  }

  private static PendingTask waiting(String id) {
    TaskBook book = new TaskBook();
    book.assign(0, 1, TaskBook.Handover.CLEAN);
    PendingTask task = consumed(id, 1);
    book.admit(task, 0);
    book.submitting(task, false, 0);
    book.created(task, "t-" + id, 0, 0);
    return task;
  }

  private static PollPolicy policy(DurationEstimator estimator, double random) {
    return new PollPolicy(
        estimator,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        83,
        () -> random);
  }

  @Test
  void heldBytesCountEachRequestsValueKeyAndHeadersAndFreeWhenItEnds() {
    TaskBook book = new TaskBook(10_000);
    book.assign(0, 1, TaskBook.Handover.CLEAN);
    byte[] value = new byte[3_000];
    RequestHeaders headers =
        RequestHeaders.restored(List.of(new RequestHeaders.Header("trace", new byte[10])), 0);
    PendingTask a = PendingTask.consumed(0, 0, "key".getBytes(), value, facts("a"), headers);
    assertThat(a.heldBytes()).isEqualTo(3_000 + 3 + "trace".length() + 10 + 1_024);
    book.admit(a, 0);
    assertThat(book.heldBytes()).isEqualTo(a.heldBytes());
    assertThat(book.full()).isFalse();

    PendingTask b = PendingTask.consumed(0, 1, null, value, facts("b"));
    assertThat(book.defer(0, 1, b.heldBytes())).as("4,024 + 4,024 fit 10,000").isFalse();
    book.admit(b, 0);
    assertThat(book.defer(0, 2, b.heldBytes())).as("a third does not fit").isTrue();
    assertThat(book.defer(0, 3, 10)).as("nor anything after it on the partition").isTrue();
    assertThat(book.full()).as("fetching waits for room for the third").isTrue();
    assertThat(book.takeRewinds()).containsExactly(java.util.Map.entry(0, 2L));

    book.finish(a);
    assertThat(book.heldBytes()).isEqualTo(b.heldBytes());
    assertThat(book.full()).isFalse();
    book.drop(0);
    assertThat(book.heldBytes()).isZero();
  }

  @Test
  void aKeyThatIsTheRequestIdIsGivenBackByteForByte() {
    byte[] value = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] key = "r-\u00e9".getBytes(StandardCharsets.UTF_8);
    PendingTask task = PendingTask.consumed(0, 0, key, value, facts("r-\u00e9"));
    PendingTask other =
        PendingTask.consumed(0, 1, "k".getBytes(StandardCharsets.UTF_8), value, facts("r2"));

    assertThat(task.key()).isEqualTo(key);
    assertThat(task.toStored("t").requestKey()).isEqualTo(key);
    assertThat(task.heldBytes()).isEqualTo(1_024 + key.length + value.length);
    assertThat(other.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
    assertThat(PendingTask.consumed(0, 2, null, value, facts("r3")).key()).isNull();
  }

  @Test
  void aRequestLargerThanTheBoundFitsAnEmptyBookOnly() {
    TaskBook book = new TaskBook(1_000);
    book.assign(0, 1, TaskBook.Handover.CLEAN);
    assertThat(book.fits(5_000)).isTrue();
    book.admit(consumed("a", 0), 0);
    assertThat(book.fits(5_000)).isFalse();
  }

  @Test
  void aParsedRequestKeepsItsValueAndNoTree() {
    byte[] value =
        "{\"request_id\":\"r\",\"extract\":{\"url\":\"https://a.io\"},\"metadata\":{\"o\":7}}"
            .getBytes(StandardCharsets.UTF_8);
    ExtractionRequest request =
        ((dev.nimblekafka.request.ParseResult.Valid)
                new dev.nimblekafka.request.RequestParser(new ObjectMapper())
                    .parse("t", 0, 0, value))
            .request();
    assertThat(request.body().get("url").asText()).isEqualTo("https://a.io");
    assertThat(request.metadata().get("o").asInt()).isEqualTo(7);
    assertThat(request.body()).as("read again at each call, not kept").isNotSameAs(request.body());
    assertThat(request.metadata()).isNotSameAs(request.metadata());
  }

  private static ExtractionRequest facts(String id) {
    ObjectNode body = new ObjectMapper().createObjectNode().put("url", "https://a.io");
    return new ExtractionRequest(id, Kind.EXTRACT, body, null, null);
  }

  static PendingTask consumed(String id, long offset) {
    return PendingTask.consumed(0, offset, null, "{}".getBytes(), facts(id));
  }
}
