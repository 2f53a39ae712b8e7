package dev.nimblekafka.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.request.ExtractionRequest;
import dev.nimblekafka.request.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The policy's choices: what to read, how, and when, against the calls the budget leaves. */
@Timeout(10)
class PollPolicyTest {
  private final TaskBook book = new TaskBook();
  private double share = 83;
  private final CheckBudget budget = new CheckBudget(() -> share);
  private final DurationEstimator estimator = new DurationEstimator(5_000);
  private final PollPolicy policy =
      new PollPolicy(
          estimator,
          Duration.ofSeconds(1),
          Duration.ofSeconds(30),
          Duration.ofMinutes(1),
          83,
          budget,
          500,
          () -> 0.5);

  PollPolicyTest() {
    book.assign(0, 1, TaskBook.Handover.CLEAN);
  }

  @Test
  void withSpareBudgetATaskBulkReadsCoverIsReadEverySecondAndFirstWhenTheFastestFinish() {
    for (int i = 1; i <= 100; i++) {
      estimator.observe(i * 100L); // 0.1 s to 10 s
    }
    PendingTask task = waiting("a", null);
    assertThat(policy.firstCheckAt(task, 0)).isBetween(500L, 700L);
    assertThat(policy.nextCheckAt(task, false, 10_000)).isEqualTo(11_000);
  }

  @Test
  void quantilesStayWithinTheSamplesWhileSamplesAccumulateBetweenSorts() {
    for (int i = 1; i <= 40; i++) {
      estimator.observe(i); // sorted at 16 and 32, read in between
      assertThat(estimator.quantileMillis(0.99)).isBetween(1L, (long) i);
      assertThat(estimator.expectedMillis()).isBetween(1L, (long) i);
    }
  }

  @Test
  void aTaskReadOnItsOwnWaitsForMostTasksToFinishAndThenLongerEachTime() {
    for (int i = 1; i <= 100; i++) {
      estimator.observe(i * 100L);
    }
    PendingTask task = waiting("a", null);
    book.unlisted(task);
    assertThat(policy.firstCheckAt(task, 0)).isGreaterThanOrEqualTo(7_500);
    long second = policy.nextCheckAt(task, false, 8_000) - 8_000;
    book.checking(task);
    long third = policy.nextCheckAt(task, false, 8_000) - 8_000;
    assertThat(third).isGreaterThan(second);
  }

  @Test
  void oneReadOfTheLatestTasksServesEveryTaskItCoversAndOneReadEachBatch() {
    List<PendingTask> due = new ArrayList<>();
    due.add(waiting("a", null));
    due.add(waiting("b", null));
    PendingTask c = waiting("c", "batch-1");
    PendingTask d = waiting("d", "batch-1");
    PendingTask e = waiting("e", null);
    for (PendingTask t : List.of(c, d, e)) {
      book.unlisted(t);
      due.add(t);
    }
    PollPolicy.Reads reads = policy.plan(due, 0, 10);
    assertThat(reads.listed()).extracting(PendingTask::requestId).containsExactly("a", "b");
    assertThat(reads.batches()).containsOnlyKeys("batch-1");
    assertThat(reads.batches().get("batch-1")).containsExactly(c, d);
    assertThat(reads.singles()).containsExactly(e);
    assertThat(reads.later()).isEmpty();
  }

  @Test
  void whenTheBudgetIsShortTheTasksDueFirstAreReadFirstAndTheRestWait() {
    share = 2; // creates and fetches use it almost all
    for (int i = 0; i < 3; i++) {
      policy.spent(i * 400L);
    }
    policy.spent(1_000);
    List<PendingTask> due = new ArrayList<>();
    for (String id : List.of("first", "second", "third")) {
      PendingTask task = waiting(id, null);
      book.unlisted(task);
      due.add(task);
    }
    PollPolicy.Reads reads = policy.plan(due, 1_100, 10);
    assertThat(reads.singles()).extracting(PendingTask::requestId).containsExactly("first");
    assertThat(reads.later()).hasSize(2);
    assertThat(reads.later().values()).allSatisfy(at -> assertThat(at).isGreaterThan(1_100));
  }

  @Test
  void theLatestTasksAreNotReadAgainWithinASecond() {
    PendingTask a = waiting("a", null);
    PollPolicy.Reads first = policy.plan(List.of(a), 0, 10);
    assertThat(first.listRead()).isTrue();
    policy.listSent(0);
    policy.listAnswered(200, false, false);
    PendingTask b = waiting("b", null);
    PollPolicy.Reads second = policy.plan(List.of(b), 500, 10);
    assertThat(second.listRead()).isFalse();
    assertThat(second.later()).containsEntry(b, 1_000L);
  }

  private PendingTask waiting(String id, String batch) {
    ObjectNode body = new ObjectMapper().createObjectNode().put("url", "https://a.io");
    PendingTask task =
        PendingTask.consumed(
            0,
            book.pending(),
            null,
            ("{\"request_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
            new ExtractionRequest(id, Kind.EXTRACT, body, null, null));
    book.admit(task, 0);
    book.submitting(task, false, 0);
    book.created(task, "t-" + id, batch, 0, Long.MAX_VALUE);
    return task;
  }
}
