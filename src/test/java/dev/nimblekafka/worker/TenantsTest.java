package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.FAILURES;
import static dev.nimblekafka.worker.LifecycleRig.RESULTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tenants and priorities as the lifecycle sees them: what is created next, limits, outcomes. */
@Timeout(10)
class TenantsTest {

  @Test
  void aRequestOfAnotherTenantGoesBeforeTheRestOfABurst() {
    LifecycleRig rig = rig("NIMBLE_PLAN_TASKS", "2");
    rig.assign(0);
    for (int i = 0; i < 500; i++) {
      rig.consume(0, null, request("a" + i, "acme", "normal"));
    }
    rig.consume(0, null, request("b0", "beta", "normal"));
    rig.turn();

    assertThat(rig.nimble.open(Op.SUBMIT))
        .extracting(c -> c.body.path("url").asText())
        .containsExactly("https://a.io/a0", "https://a.io/b0");
  }

  @Test
  void aHighPriorityRequestGoesBeforeNormalOnesQueuedEarlier() {
    LifecycleRig rig = rig("NIMBLE_PLAN_TASKS", "1");
    rig.assign(0);
    rig.consume(0, null, request("n0", "acme", "normal"));
    rig.consume(0, null, request("n1", "acme", "normal"));
    rig.consume(0, null, request("h0", "acme", "high"));
    rig.turn();

    assertThat(rig.nimble.only(Op.SUBMIT).body.path("url").asText()).isEqualTo("https://a.io/h0");
  }

  @Test
  void aTenantAtItsLimitWaitsWhileTheOthersGo() {
    LifecycleRig rig = rig("TENANT_MAX_TASKS", "notebook=2");
    rig.assign(0);
    for (int i = 0; i < 10; i++) {
      rig.consume(0, null, request("n" + i, "notebook", "high"));
    }
    rig.consume(0, null, request("c0", "catalogue", "low"));
    rig.turn();

    List<Call> creates = rig.nimble.open(Op.SUBMIT);
    assertThat(creates).hasSize(3);
    assertThat(creates)
        .filteredOn(c -> c.body.path("url").asText().contains("/n"))
        .as("the notebook's limit")
        .hasSize(2);
  }

  @Test
  void withBatchingOnATenantAtItsLimitWithNothingElseQueuedJustWaits() {
    LifecycleRig rig =
        new LifecycleRig(
            "BATCH_SUBMIT", "true", "BATCH_LINGER", "0ms", "TENANT_MAX_TASKS", "notebook=2");
    rig.assign(0);
    for (int i = 0; i < 5; i++) {
      rig.consume(0, null, request("n" + i, "notebook", "normal"));
    }
    rig.turn();
    rig.nimble.only(Op.BATCH).batch("t0", "t1");
    rig.turn();
    rig.advance(java.time.Duration.ofSeconds(3));

    assertThat(rig.nimble.count(Op.BATCH) + rig.nimble.count(Op.SUBMIT)).isEqualTo(1);
    assertThat(rig.book.queued()).isEqualTo(3);
  }

  @Test
  void anOutcomeCarriesTheRequestsTenantAndPriority() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    RecordHeaders headers = new RecordHeaders();
    headers.add("tenant", "pricing".getBytes(StandardCharsets.UTF_8));
    headers.add("priority", "low".getBytes(StandardCharsets.UTF_8));
    rig.consume(
        0,
        null,
        LifecycleRig.extract("r1", "https://a.io").getBytes(StandardCharsets.UTF_8),
        headers);
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    rig.advance(java.time.Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{\"html\":\"<p>\"}");
    rig.turn();
    rig.commit();

    JsonNode result = rig.committed(RESULTS).get(0);
    assertThat(result.get("tenant").asText()).isEqualTo("pricing");
    assertThat(result.get("priority").asText()).isEqualTo("low");
  }

  @Test
  void anInvalidTenantFailsAtValidationAndTheWorkerGoesOn() {
    LifecycleRig rig = rig();
    rig.assign(0);
    rig.consume(0, null, request("bad", "no spaces allowed", "normal"));
    rig.consume(0, null, request("good", "acme", "normal"));
    rig.turn();
    rig.commit();

    JsonNode failure = rig.committed(FAILURES).get(0);
    assertThat(failure.get("stage").asText()).isEqualTo("validate");
    assertThat(failure.at("/error/details/field").asText()).isEqualTo("tenant");
    assertThat(rig.nimble.only(Op.SUBMIT).body.path("url").asText()).isEqualTo("https://a.io/good");
  }

  @Test
  void aRequestRefusedAtValidationStillNamesItsTenantAndPriority() {
    LifecycleRig rig = rig();
    rig.assign(0);
    rig.consume(
        0,
        null,
        "{\"request_id\":\"r1\",\"tenant\":\"notebook\",\"priority\":\"low\","
            + "\"extract\":{\"url\":\"ftp://nope\"}}");
    rig.consume(0, null, request("r2", "bad tenant", "normal"));
    rig.turn();
    rig.commit();

    List<JsonNode> failures = rig.committed(FAILURES);
    assertThat(failures.get(0).get("tenant").asText()).isEqualTo("notebook");
    assertThat(failures.get(0).get("priority").asText()).isEqualTo("low");
    assertThat(failures.get(1).has("tenant")).as("the tenant is what is wrong").isFalse();
  }

  /** A rig creating one request per call, none queued ahead at Nimble. */
  private static LifecycleRig rig(String... settings) {
    String[] all = new String[settings.length + 4];
    all[0] = "BATCH_SUBMIT";
    all[1] = "false";
    all[2] = "NIMBLE_QUEUE_AHEAD_PERCENT";
    all[3] = "0";
    System.arraycopy(settings, 0, all, 4, settings.length);
    return new LifecycleRig(all);
  }

  static String request(String id, String tenant, String priority) {
    return "{\"request_id\":\""
        + id
        + "\",\"tenant\":\""
        + tenant
        + "\",\"priority\":\""
        + priority
        + "\",\"extract\":{\"url\":\"https://a.io/"
        + id
        + "\"}}";
  }
}
