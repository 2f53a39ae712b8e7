package dev.nimblekafka.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The order requests are created in: priority first (with aging), a weighted fair share between
 * tenants within a priority, first in first out within a tenant and priority, and tenants at their
 * limit passed over. Time is the test's: every request says when it was queued.
 */
class SubmitQueueTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RequestParser PARSER = new RequestParser(JSON);
  private static final long AGING = Duration.ofMinutes(1).toMillis();

  private final Map<String, Integer> weights = new HashMap<>();
  private final TaskBook book =
      new TaskBook(Long.MAX_VALUE, tenant -> weights.getOrDefault(tenant, 1), AGING);
  private long offset;

  SubmitQueueTest() {
    book.assign(0, 1, TaskBook.Handover.CLEAN);
  }

  @Test
  void aTenantArrivingAfterABurstGoesNextNotAfterTheBurst() {
    queue("acme", "normal", 10_000, 0);
    createNext(100, 0);

    PendingTask late = queue("beta", "normal", 1, 1_000).get(0);

    assertThat(book.queuedHead(1, 1_000, t -> Integer.MAX_VALUE)).containsExactly(late);
  }

  @Test
  void twoBackloggedTenantsShareTheCreatesByTheirWeights() {
    weights.put("acme", 3);
    queue("acme", "normal", 2_000, 0);
    queue("beta", "normal", 2_000, 0);

    Map<String, Integer> created = createNext(1_000, 0);

    assertThat(created.get("acme")).isBetween(749, 751);
    assertThat(created.get("beta")).isBetween(249, 251);
  }

  @Test
  void aTenantIdleForAWhileSavesNoCreditForLater() {
    queue("acme", "normal", 2_000, 0);
    createNext(500, 0);

    queue("beta", "normal", 500, 10);
    Map<String, Integer> created = createNext(100, 10);

    assertThat(created.get("beta")).as("an even share from now on, not 500 in a row").isEqualTo(50);
  }

  @Test
  void highGoesBeforeNormalAndNormalBeforeLow() {
    List<PendingTask> low = queue("acme", "low", 2, 0);
    List<PendingTask> normal = queue("acme", "normal", 2, 0);
    List<PendingTask> high = queue("beta", "high", 2, 0);

    assertThat(book.queuedHead(6, 0, t -> Integer.MAX_VALUE))
        .containsExactly(
            high.get(0), high.get(1), normal.get(0), normal.get(1), low.get(0), low.get(1));
  }

  @Test
  void aLowRequestWaitingTwiceTheAgingGoesBeforeNewerHighOnes() {
    PendingTask low = queue("acme", "low", 1, 0).get(0);
    long now = 2 * AGING;
    queue("beta", "high", 1_000, now);

    assertThat(book.queuedHead(1, now - 1, t -> Integer.MAX_VALUE))
        .as("not yet: high still goes first")
        .doesNotContain(low);
    assertThat(book.queuedHead(1, now, t -> Integer.MAX_VALUE)).containsExactly(low);
  }

  @Test
  void requestsOfOneTenantAndPriorityKeepTheirOrder() {
    List<PendingTask> acme = queue("acme", "normal", 50, 0);
    queue("beta", "normal", 50, 0);

    List<PendingTask> head = book.queuedHead(100, 0, t -> Integer.MAX_VALUE);

    assertThat(head.stream().filter(acme::contains).toList()).containsExactlyElementsOf(acme);
  }

  @Test
  void aTenantAtItsLimitIsPassedOverAndTheOthersTakeTheSlots() {
    queue("acme", "high", 100, 0);
    List<PendingTask> beta = queue("beta", "normal", 100, 0);

    List<PendingTask> head = book.queuedHead(10, 0, t -> t.equals("acme") ? 2 : Integer.MAX_VALUE);

    assertThat(head).hasSize(10);
    assertThat(head.stream().filter(t -> !beta.contains(t))).hasSize(2);
  }

  @Test
  void aRequestPutBackGoesFirstInItsLane() {
    List<PendingTask> acme = queue("acme", "normal", 3, 0);
    book.submitting(acme.get(1), false, 0);
    book.requeue(acme.get(1), false, 5);

    assertThat(book.queuedHead(3, 5, t -> Integer.MAX_VALUE))
        .containsExactly(acme.get(1), acme.get(0), acme.get(2));
  }

  @Test
  void tenantsThatComeAndGoLeaveNothingBehind() {
    for (int i = 0; i < 1_000; i++) {
      PendingTask task = queue("t" + i, "normal", 1, i).get(0);
      book.submitting(task, false, i);
    }
    assertThat(book.queued()).isZero();
    SubmitQueue queue = new SubmitQueue(t -> 1, AGING);
    assertThat(queue.head(10, 0, t -> 1)).isEmpty();
  }

  @Test
  void aPartitionGivenAwayTakesItsQueuedRequestsOut() {
    queue("acme", "normal", 5, 0);
    book.drop(0);
    assertThat(book.queued()).isZero();
    assertThat(book.queuedHead(5, 0, t -> Integer.MAX_VALUE)).isEmpty();
  }

  @Test
  void theTenantsSlotsFollowTheirTasks() {
    List<PendingTask> acme = queue("acme", "normal", 2, 0);
    book.submitting(acme.get(0), false, 0);
    book.submitting(acme.get(1), false, 0);
    book.created(acme.get(0), "t0", 0, 1_000);
    assertThat(book.slotsUsed("acme")).isEqualTo(2);
    book.finish(acme.get(0));
    assertThat(book.slotsUsed("acme")).isEqualTo(1);
    assertThat(book.slotsUsed("beta")).isZero();
  }

  /** Creates the next {@code count} requests, as the submitter would; created per tenant. */
  private Map<String, Integer> createNext(int count, long now) {
    Map<String, Integer> created = new HashMap<>();
    for (int i = 0; i < count; i++) {
      PendingTask next = book.queuedHead(1, now, t -> Integer.MAX_VALUE).get(0);
      book.submitting(next, false, now);
      created.merge(next.request().placement().tenant(), 1, Integer::sum);
    }
    return created;
  }

  /** Queues {@code count} requests of a tenant and priority at {@code now}. */
  private List<PendingTask> queue(String tenant, String priority, int count, long now) {
    List<PendingTask> queued = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      long at = offset++;
      String json =
          "{\"request_id\":\"r"
              + at
              + "\",\"tenant\":\""
              + tenant
              + "\",\"priority\":\""
              + priority
              + "\",\"extract\":{\"url\":\"https://a.io/"
              + at
              + "\"}}";
      byte[] value = json.getBytes(StandardCharsets.UTF_8);
      ParseResult parsed = PARSER.parse("requests", 0, at, value);
      PendingTask task =
          PendingTask.consumed(0, at, null, value, ((ParseResult.Valid) parsed).request());
      book.admit(task, now);
      queued.add(task);
    }
    return queued;
  }
}
