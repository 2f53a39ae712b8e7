package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.STATE;
import static dev.nimblekafka.worker.LifecycleRig.extract;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.task.TaskPhase;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A create whose answer was lost may have created its task: it is looked up in Nimble's recent
 * tasks before the request is submitted again.
 */
@Timeout(10)
class ReconcileTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode input(String url, String tag) {
    return JSON.createObjectNode().put("url", url).put("tag", tag);
  }

  @Test
  void everyCreateCarriesAMarkNamingTheRequestAndTheAttempt() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    assertThat(rig.nimble.only(Op.SUBMIT).body.get("tag").asText())
        .isEqualTo(SubmissionMark.of("r1", 0, 0, 0))
        .startsWith("nkw-");
  }

  @Test
  void aLostCreateAnswerIsFoundInTheRecentTasksAndNotCreatedAgain() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    Call create = rig.nimble.only(Op.SUBMIT);
    String mark = create.body.get("tag").asText();
    create.fail(FakeNimble.lost());
    rig.turn();
    assertThat(rig.book.slotsUsed()).as("the slot stays taken while it is looked up").isEqualTo(1);
    Call list = rig.nimble.only(Op.LIST);
    long now = rig.clock.millis();
    list.page(
        null,
        FakeNimble.listed("other", now, input("https://b.io", "nkw-0000")),
        FakeNimble.listed("t1", now, input("https://a.io", mark)));
    rig.turn();
    rig.turn();

    assertThat(rig.nimble.count(Op.SUBMIT)).as("not created again").isEqualTo(1);
    assertThat(rig.book.byTaskId(0, "t1").phase()).isEqualTo(TaskPhase.WAITING);
    assertThat(rig.open(STATE))
        .last()
        .satisfies(s -> assertThat(s.get("task_id").asText()).isEqualTo("t1"));
    assertThat(
            rig.registry
                .find("nimble_worker_reconciliations")
                .tag("outcome", "found")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void aLostCreateWhoseTaskIsNotListedIsSubmittedAgainWithTheSameMark() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    Call create = rig.nimble.only(Op.SUBMIT);
    create.fail(FakeNimble.lost());
    rig.turn();
    long old = rig.clock.millis() - Duration.ofMinutes(10).toMillis();
    rig.nimble.only(Op.LIST).page("next", FakeNimble.listed("x", old, input("https://c.io", "t")));
    rig.advance(Duration.ofSeconds(1));
    assertThat(rig.nimble.open(Op.LIST))
        .as("the scan ends at tasks older than the create")
        .isEmpty();
    Call again = rig.nimble.only(Op.SUBMIT);
    assertThat(again.body.get("tag")).isEqualTo(create.body.get("tag"));
  }

  @Test
  void aRequestsOwnTagIsKeptAndItsTaskIsFoundByTagAndUrl() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(
        0, null, "{\"request_id\":\"r1\",\"extract\":{\"url\":\"https://a.io\",\"tag\":\"mine\"}}");
    rig.turn();
    Call create = rig.nimble.only(Op.SUBMIT);
    assertThat(create.body.get("tag").asText()).isEqualTo("mine");
    create.fail(FakeNimble.unavailable(502, null));
    rig.turn();
    long now = rig.clock.millis();
    rig.nimble
        .only(Op.LIST)
        .page(
            null,
            FakeNimble.listed("not-it", now, input("https://other.io", "mine")),
            FakeNimble.listed("t1", now, input("https://a.io", "mine")));
    rig.turn();
    assertThat(rig.book.byTaskId(0, "t1")).isNotNull();
    assertThat(rig.book.byTaskId(0, "not-it")).isNull();
  }

  @Test
  void aLostBatchAnswerIsFoundTaskByTask() {
    LifecycleRig rig = new LifecycleRig("BATCH_SUBMIT", "true", "BATCH_LINGER", "0");
    rig.assign(0);
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.consume(0, null, extract("r1", "https://a.io/1"));
    rig.turn();
    Call batch = rig.nimble.only(Op.BATCH);
    List<String> marks =
        List.of(
            batch.body.get("inputs").get(0).get("tag").asText(),
            batch.body.get("inputs").get(1).get("tag").asText());
    batch.fail(FakeNimble.lost());
    rig.turn();
    long now = rig.clock.millis();
    rig.nimble
        .only(Op.LIST)
        .page(
            null,
            FakeNimble.listed("t1", now, input("https://a.io/1", marks.get(1))),
            FakeNimble.listed("t0", now, input("https://a.io/0", marks.get(0))));
    rig.turn();
    assertThat(rig.book.byTaskId(0, "t0").requestId()).isEqualTo("r0");
    assertThat(rig.book.byTaskId(0, "t1").requestId()).isEqualTo("r1");
    assertThat(rig.nimble.count(Op.SUBMIT) + rig.nimble.count(Op.BATCH)).isEqualTo(1);
  }

  @Test
  void aCreateRefusedWith429IsSentAgainWithoutALookup() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.unavailable(429, Duration.ofSeconds(1)));
    rig.advance(Duration.ofSeconds(1));
    assertThat(rig.nimble.count(Op.LIST)).isZero();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
  }

  @Test
  void aScanThatKeepsFailingEndsInANewSubmission() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.lost());
    for (int i = 0; i < Reconciler.MAX_SCAN_FAILURES; i++) {
      rig.advance(Duration.ofSeconds(2));
      rig.nimble.only(Op.LIST).fail(FakeNimble.unavailable(503, null));
    }
    rig.advance(Duration.ofSeconds(2));
    assertThat(rig.nimble.open(Op.SUBMIT)).hasSize(1);
  }

  @Test
  void scansFencedWhileThePodsHoldIsInDoubtNeverConcludeThatATaskIsMissing() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("r1", "https://a.io"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.lost());
    for (int i = 0; i < Reconciler.MAX_SCAN_FAILURES + 1; i++) {
      rig.advance(Duration.ofSeconds(2));
      rig.nimble
          .only(Op.LIST)
          .fail(
              new dev.nimblekafka.nimble.NimbleException.Unavailable(
                  0, dev.nimblekafka.nimble.NimbleException.Unavailable.FENCED, "x", null, null));
    }
    rig.advance(Duration.ofSeconds(2));
    assertThat(rig.nimble.open(Op.SUBMIT))
        .as("a page never sent says nothing about the task: not created again")
        .isEmpty();
    assertThat(rig.nimble.open(Op.LIST)).as("looked up again").hasSize(1);
  }

  @Test
  void afterAHandOverThatWasNotCleanRequestsThePreviousOwnerMayHaveSubmittedAreLookedUpFirst() {
    LifecycleRig rig = new LifecycleRig();
    long since = rig.clock.millis() - 5_000;
    byte[] recorded = extract("r0", "https://a.io/0").getBytes();
    rig.assign(
        0,
        new TaskBook.Handover(2, since),
        new StoredTask("r0", null, Kind.EXTRACT, 0, 0, 0, "requests", 7, recorded, false, null));
    rig.consume(0, null, extract("r1", "https://a.io/1")); // offset 0: maybe seen before
    rig.consume(0, null, extract("r2", "https://a.io/2")); // offset 1: maybe seen before
    rig.consume(0, null, extract("r3", "https://a.io/3")); // offset 2: never seen
    rig.turn();
    assertThat(rig.nimble.open(Op.SUBMIT))
        .as("only the request never seen goes at once")
        .hasSize(1);
    Call list = rig.nimble.only(Op.LIST);
    list.page(
        null,
        FakeNimble.listed(
            "t0", since + 100, input("https://a.io/0", SubmissionMark.of("r0", 0, 7, 0))));
    rig.turn();
    // the replayed requests came after the restore's scan had started: a second scan is theirs
    rig.nimble.only(Op.LIST).page(null);
    rig.turn();
    assertThat(rig.book.byTaskId(0, "t0").requestId())
        .as("adopted, not created again")
        .isEqualTo("r0");
    assertThat(rig.nimble.calls())
        .filteredOn(c -> c.op == Op.SUBMIT)
        .extracting(c -> c.body.get("url").asText())
        .containsExactlyInAnyOrder("https://a.io/3", "https://a.io/1", "https://a.io/2");
    assertThat(rig.nimble.count(Op.LIST)).isEqualTo(2);
  }

  @Test
  void afterACleanHandOverNothingIsLookedUp() {
    LifecycleRig rig = new LifecycleRig();
    byte[] recorded = extract("r0", "https://a.io/0").getBytes();
    rig.assign(
        0,
        TaskBook.Handover.CLEAN,
        new StoredTask("r0", null, Kind.EXTRACT, 0, 0, 0, "requests", 7, recorded, false, null));
    rig.consume(0, null, extract("r1", "https://a.io/1"));
    rig.turn();
    assertThat(rig.nimble.open(Op.SUBMIT)).hasSize(2);
    assertThat(rig.nimble.count(Op.LIST)).isZero();
  }

  @Test
  void aCommitSaysWhenItWasMadeAndWhetherItHandsOverCleanly() {
    assertThat(Handovers.of(new OffsetAndMetadata(10, Handovers.metadata(1_000, 3, true, 5_000))))
        .isEqualTo(TaskBook.Handover.CLEAN);
    assertThat(Handovers.of(new OffsetAndMetadata(10, Handovers.metadata(1_000, 3, false, 5_000))))
        .isEqualTo(new TaskBook.Handover(10 + Handovers.SUSPECT_WINDOW, 1_000, 5_000));
    assertThat(Handovers.of(new OffsetAndMetadata(10, "nkw1;t=1000;held=3;clean=0")))
        .as("an owner that did not say how long its calls could arrive: the longest they could")
        .isEqualTo(
            new TaskBook.Handover(
                10 + Handovers.SUSPECT_WINDOW, 1_000, 1_000 + Handovers.UNSAID_HORIZON_MILLIS));
    assertThat(Handovers.of(new OffsetAndMetadata(10, "")))
        .as("a commit of another kind: suspect, since an unknown time")
        .isEqualTo(new TaskBook.Handover(10 + Handovers.SUSPECT_WINDOW, 0, -1));
    assertThat(Handovers.of(null)).as("never committed").isEqualTo(TaskBook.Handover.CLEAN);
  }
}
