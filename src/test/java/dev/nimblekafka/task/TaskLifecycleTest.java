package dev.nimblekafka.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.request.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TaskLifecycleTest {

  @Test
  void aTaskMovesThroughItsLifeAndRejectsIllegalMoves() {
    PendingTask task = PendingTask.consumed("r1", 0, 5, Kind.EXTRACT, "{}".getBytes());
    assertThat(task.phase()).isEqualTo(TaskPhase.QUEUED);
    assertThatThrownBy(() -> task.moveTo(TaskPhase.CHECKING))
        .isInstanceOf(TaskPhase.IllegalTransitionException.class)
        .hasMessage("illegal task transition queued -> checking");
    task.moveTo(TaskPhase.SUBMITTING);
    task.submitted("t1", 1_000);
    assertThat(task.phase()).isEqualTo(TaskPhase.WAITING);
    assertThat(task.attempts()).isEqualTo(1);
    task.moveTo(TaskPhase.CHECKING);
    task.moveTo(TaskPhase.FETCHING);
    task.moveTo(TaskPhase.DONE);
    assertThatThrownBy(() -> task.moveTo(TaskPhase.QUEUED))
        .isInstanceOf(TaskPhase.IllegalTransitionException.class);
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
        new StoredTask("r1", "t1", Kind.AGENT, 2, 1_000, 500, "requests", 77, request, true);
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
    PollSchedule schedule =
        new PollSchedule(estimator, Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.5);
    assertThat(schedule.nextDelay(0, 0)).isBetween(5_000L, 5_400L);
    PollSchedule earliest =
        new PollSchedule(estimator, Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.0);
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

  private static PendingTask waiting(String id) {
    PendingTask task = PendingTask.consumed(id, 0, 1, Kind.EXTRACT, "{}".getBytes());
    task.moveTo(TaskPhase.SUBMITTING);
    task.submitted("t-" + id, 0);
    return task;
  }
}
