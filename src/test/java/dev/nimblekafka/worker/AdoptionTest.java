package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.extract;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A look-up adopts only a task it can prove is its own create's: the mark names one consumption of
 * a request, the task was created after the create went out, and its input is the body sent.
 * Request ids are reused, duplicated across partitions and chosen by users; tags are shared.
 */
@Timeout(10)
class AdoptionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String agent(String id, String asin) {
    return "{\"request_id\":\""
        + id
        + "\",\"agent\":{\"agent\":\"amazon_pdp\",\"params\":{\"asin\":\""
        + asin
        + "\",\"tag\":\"campaign-7\"}}}";
  }

  /** The request's create call goes out and its answer is lost; returns the call. */
  private static Call lostCreate(LifecycleRig rig, int partition, String request) {
    rig.consume(partition, null, request);
    rig.turn();
    Call create = rig.nimble.open(Op.SUBMIT).get(rig.nimble.open(Op.SUBMIT).size() - 1);
    create.fail(FakeNimble.lost());
    rig.turn();
    return create;
  }

  @Test
  void theSameRequestIdOnTwoPartitionsDoesNotAdoptTheOthersTask() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.assign(1);
    rig.consume(0, null, extract("daily", "https://a.io"));
    rig.turn();
    Call first = rig.nimble.only(Op.SUBMIT);
    first.task("t0", TaskState.PENDING);
    rig.turn();
    Call second = lostCreate(rig, 1, extract("daily", "https://a.io"));
    assertThat(second.body.get("tag")).isNotEqualTo(first.body.get("tag"));

    rig.nimble.only(Op.LIST).page(null, FakeNimble.listed("t0", rig.clock.millis(), first.body));
    rig.turn();

    assertThat(rig.book.byTaskId(1, "t0")).as("partition 1 did not adopt partition 0's").isNull();
    rig.advance(Duration.ofMinutes(1)); // past the wait after the lost answer
    assertThat(rig.nimble.open(Op.SUBMIT)).as("created again").hasSize(1);
  }

  @Test
  void aReusedRequestIdDoesNotAdoptTheTaskOfItsEarlierConsumption() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("product-123", "https://a.io/1"));
    rig.turn();
    Call hourAgo = rig.nimble.only(Op.SUBMIT);
    hourAgo.task("t-old", TaskState.PENDING);
    rig.turn();
    rig.book.finish(rig.book.byTaskId(0, "t-old")); // its outcome published: the id is free
    rig.advance(Duration.ofHours(1));
    Call now = lostCreate(rig, 0, extract("product-123", "https://a.io/1"));
    assertThat(now.body.get("tag")).isNotEqualTo(hourAgo.body.get("tag"));

    long anHourAgo = rig.clock.millis() - Duration.ofHours(1).toMillis();
    rig.nimble.only(Op.LIST).page(null, FakeNimble.listed("t-old", anHourAgo, hourAgo.body));
    rig.turn();

    assertThat(rig.book.byTaskId(0, "t-old")).as("yesterday's result is not today's").isNull();
    rig.advance(Duration.ofMinutes(1)); // past the wait after the lost answer
    assertThat(rig.nimble.open(Op.SUBMIT)).as("created again").hasSize(1);
  }

  @Test
  void aListedTaskCreatedBeforeTheCreateWentOutIsNotAdopted() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.advance(Duration.ofMinutes(5));
    long sent = rig.clock.millis();
    Call create = lostCreate(rig, 0, extract("r1", "https://a.io"));
    long before = sent - Reconciler.SKEW_MILLIS - 1;

    rig.nimble.only(Op.LIST).page(null, FakeNimble.listed("t-stale", before, create.body));
    rig.turn();

    assertThat(rig.book.byTaskId(0, "t-stale")).isNull();
    rig.advance(Duration.ofMinutes(1)); // past the wait after the lost answer
    assertThat(rig.nimble.open(Op.SUBMIT)).as("created again").hasSize(1);
  }

  @Test
  void aTaskOfAnotherRequestSharingItsTagIsNotAdopted() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    Call create = lostCreate(rig, 0, agent("r1", "A1"));
    ObjectNode other = create.body.deepCopy();
    ((ObjectNode) other.get("params")).put("asin", "A2");

    rig.nimble.only(Op.LIST).page(null, FakeNimble.listed("t-a2", rig.clock.millis(), other));
    rig.turn();

    assertThat(rig.book.byTaskId(0, "t-a2")).as("another product's task").isNull();
    rig.advance(Duration.ofMinutes(1)); // past the wait after the lost answer
    assertThat(rig.nimble.open(Op.SUBMIT)).as("created again").hasSize(1);
  }

  @Test
  void aV2AgentWithItsOwnTagIsFoundByItsTemplate() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    Call create = lostCreate(rig, 0, agent("r1", "A1"));
    ObjectNode listed = create.body.deepCopy();
    listed.set("template", listed.remove("agent"));

    rig.nimble.only(Op.LIST).page(null, FakeNimble.listed("t-a1", rig.clock.millis(), listed));
    rig.turn();

    assertThat(rig.book.byTaskId(0, "t-a1")).as("found, not created twice").isNotNull();
    assertThat(rig.nimble.count(Op.SUBMIT)).isEqualTo(1);
  }

  @Test
  void aListedTaskEchoingTheCallbackItWasSentWithIsStillTheCreatesOwn() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    Call create = lostCreate(rig, 0, extract("r1", "https://a.io"));
    ObjectNode listed = create.body.deepCopy();
    listed.put("callback_url", "https://worker.example/callbacks/nimble/x");

    rig.nimble.only(Op.LIST).page(null, FakeNimble.listed("t1", rig.clock.millis(), listed));
    rig.turn();

    assertThat(rig.book.byTaskId(0, "t1")).isNotNull();
  }

  @Test
  void aBatchAnswerInAnotherOrderIsMatchedToItsRequestsByTheirMarks() {
    LifecycleRig rig = new LifecycleRig("BATCH_SUBMIT", "true", "BATCH_LINGER", "0");
    rig.assign(0);
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.consume(0, null, extract("r1", "https://a.io/1"));
    rig.turn();
    Call batch = rig.nimble.only(Op.BATCH);
    JsonNode inputs = batch.body.get("inputs");
    long now = rig.clock.millis();

    batch.batchEchoing(
        "b-1",
        FakeNimble.listed("t1", now, inputs.get(1)),
        FakeNimble.listed("t0", now, inputs.get(0)));
    rig.turn();

    assertThat(rig.book.byTaskId(0, "t0").requestId()).isEqualTo("r0");
    assertThat(rig.book.byTaskId(0, "t1").requestId()).isEqualTo("r1");
  }

  @Test
  void aRequestMissingFromABatchAnswerIsLookedUpNotCreatedAgain() {
    LifecycleRig rig = new LifecycleRig("BATCH_SUBMIT", "true", "BATCH_LINGER", "0");
    rig.assign(0);
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.consume(0, null, extract("r1", "https://a.io/1"));
    rig.turn();
    Call batch = rig.nimble.only(Op.BATCH);
    JsonNode inputs = batch.body.get("inputs");
    long now = rig.clock.millis();

    batch.batchEchoing("b-1", FakeNimble.listed("t0", now, inputs.get(0)));
    rig.turn();

    assertThat(rig.book.byTaskId(0, "t0").requestId()).isEqualTo("r0");
    assertThat(rig.nimble.count(Op.SUBMIT)).as("not created again before a look-up").isZero();
    rig.nimble.only(Op.LIST).page(null, FakeNimble.listed("t1", now, inputs.get(1)));
    rig.turn();
    assertThat(rig.book.byTaskId(0, "t1").requestId()).isEqualTo("r1");
  }
}
