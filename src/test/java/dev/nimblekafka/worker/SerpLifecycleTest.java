package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.RESULTS;
import static dev.nimblekafka.worker.LifecycleRig.extract;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.task.TaskPhase;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SERP requests go through the lifecycle of extract requests: created on the SERP calls, alone or
 * in batches, checked and published once. Their creates carry no mark (Nimble documents no tag for
 * SERP), so a lost create is found by its input.
 */
@Timeout(10)
class SerpLifecycleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static String serp(String id, String query) {
    return "{\"request_id\":\""
        + id
        + "\",\"serp\":{\"search_engine\":\"google_search\",\"query\":\""
        + query
        + "\",\"country\":\"US\"}}";
  }

  private static ObjectNode input(String query) {
    return JSON.createObjectNode()
        .put("search_engine", "google_search")
        .put("query", query)
        .put("country", "US");
  }

  @Test
  void aSerpRequestGoesToTheSerpCallUnmarkedAndItsResultIsPublishedOnce() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, serp("s1", "coffee"));
    rig.turn();
    Call create = rig.nimble.only(Op.SUBMIT);
    assertThat(create.kind).isEqualTo(Kind.SERP);
    assertThat(create.body).as("sent as given, with no mark").isEqualTo(input("coffee"));
    create.task("t1", TaskState.PENDING);
    rig.turn();
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{\"data\":{\"parsing\":{\"entities\":{}}}}");
    rig.turn();
    rig.commit();

    assertThat(rig.committed(RESULTS)).hasSize(1);
    JsonNode result = rig.committed(RESULTS).get(0);
    assertThat(result.get("request_id").asText()).isEqualTo("s1");
    assertThat(result.get("kind").asText()).isEqualTo("serp");
    assertThat(result.get("task_id").asText()).isEqualTo("t1");
    assertThat(rig.nimble.count(Op.SUBMIT)).isEqualTo(1);
  }

  @Test
  void serpRequestsShareABatchCallOfTheirOwnAndAreMatchedInOrder() {
    LifecycleRig rig = new LifecycleRig("BATCH_SUBMIT", "true", "BATCH_LINGER", "0");
    rig.assign(0);
    rig.consume(0, null, serp("s0", "coffee"));
    rig.consume(0, null, extract("e0", "https://a.io"));
    rig.consume(0, null, serp("s1", "tea"));
    rig.turn();

    Call batch = rig.nimble.only(Op.BATCH);
    assertThat(batch.kind).isEqualTo(Kind.SERP);
    assertThat(batch.body.get("inputs")).containsExactly(input("coffee"), input("tea"));
    assertThat(rig.nimble.only(Op.SUBMIT).kind)
        .as("never mixed with an extract")
        .isEqualTo(Kind.EXTRACT);
    batch.batch("t0", "t1");
    rig.turn();

    assertThat(rig.book.byTaskId(0, "t0").requestId()).isEqualTo("s0");
    assertThat(rig.book.byTaskId(0, "t1").requestId()).isEqualTo("s1");
  }

  @Test
  void aLostSerpCreateIsFoundByItsInputAndNotCreatedAgain() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, serp("s1", "coffee"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.lost());
    rig.turn();
    long now = rig.clock.millis();
    long before = now - Duration.ofMinutes(5).toMillis();
    rig.nimble
        .only(Op.LIST)
        .page(
            null,
            FakeNimble.listed("other-search", now, input("tea")),
            FakeNimble.listed("t1", now, input("coffee")),
            FakeNimble.listed("long-before", before, input("coffee")));
    rig.turn();
    rig.turn();

    assertThat(rig.nimble.count(Op.SUBMIT)).as("not created again").isEqualTo(1);
    assertThat(rig.book.byTaskId(0, "t1").requestId()).isEqualTo("s1");
    assertThat(rig.book.byTaskId(0, "t1").phase()).isEqualTo(TaskPhase.WAITING);
    assertThat(rig.counter("nimble_worker_reconciliations")).isEqualTo(1);
  }

  @Test
  void aLostSerpCreateNeverTakesTheTaskAnotherRequestOfTheSameSearchHolds() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, serp("s1", "coffee"));
    rig.consume(0, null, serp("s2", "coffee"));
    rig.turn();
    Call first = rig.nimble.open(Op.SUBMIT).get(0);
    Call second = rig.nimble.open(Op.SUBMIT).get(1);
    first.task("t1", TaskState.PENDING);
    second.fail(FakeNimble.lost());
    rig.turn();
    rig.nimble
        .only(Op.LIST)
        .page(null, FakeNimble.listed("t1", rig.clock.millis(), input("coffee")));
    rig.advance(Duration.ofSeconds(5));

    assertThat(rig.book.byTaskId(0, "t1").requestId()).isEqualTo("s1");
    Call again = rig.nimble.only(Op.SUBMIT);
    assertThat(again.body).as("s2 is created again").isEqualTo(input("coffee"));
  }

  @Test
  void twoLostCreatesOfOneSearchEachTakeTheTaskCreatedNearestAfterIt() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, serp("s1", "coffee"));
    rig.turn();
    long firstSent = rig.clock.millis();
    rig.advance(Duration.ofSeconds(5));
    rig.consume(0, null, serp("s2", "coffee"));
    rig.turn();
    long secondSent = rig.clock.millis();
    for (Call create : rig.nimble.open(Op.SUBMIT)) {
      create.fail(FakeNimble.lost());
    }
    rig.turn();
    rig.nimble
        .only(Op.LIST)
        .page(
            null,
            FakeNimble.listed("of-second", secondSent + 100, input("coffee")),
            FakeNimble.listed("of-first", firstSent + 100, input("coffee")));
    rig.turn();
    rig.turn();

    assertThat(rig.book.byTaskId(0, "of-first").requestId()).isEqualTo("s1");
    assertThat(rig.book.byTaskId(0, "of-second").requestId()).isEqualTo("s2");
    assertThat(rig.nimble.count(Op.SUBMIT)).isEqualTo(2);
  }
}
