package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.FAILURES;
import static dev.nimblekafka.worker.LifecycleRig.extract;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A 403 that refuses one request stops that request, not the pod. */
@Timeout(10)
class RefusalTest {
  private static NimbleException.AccessDenied forbidden() {
    return new NimbleException.AccessDenied(403, "FORBIDDEN", "premium_x needs a premium plan");
  }

  @Test
  void aRequestRefused403WhileOthersAreAcceptedFailsAloneAndTheOthersGoOn() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, extract("premium", "https://a.io/premium"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(forbidden());
    for (int i = 0; i < 3; i++) {
      rig.consume(0, null, extract("r" + i, "https://a.io/" + i));
    }
    rig.turn();

    Call probe = rig.nimble.only(Op.SUBMIT);
    assertThat(probe.body.get("url").asText()).as("the probe is another request").endsWith("/0");
    probe.task("t0", TaskState.PENDING);
    rig.advance(Duration.ofSeconds(1));
    for (Call create : rig.nimble.open(Op.SUBMIT)) {
      if (create.body.get("url").asText().endsWith("premium")) {
        create.fail(forbidden());
      } else {
        create.task("t-" + create.body.get("url").asText(), TaskState.PENDING);
      }
    }
    rig.advance(Duration.ofSeconds(1));
    rig.commit();

    assertThat(rig.committed(FAILURES))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.get("request_id").asText()).isEqualTo("premium");
              assertThat(f.get("error").get("code").asText()).isEqualTo("FORBIDDEN");
              assertThat(f.get("error").get("http_status").asInt()).isEqualTo(403);
            });
    assertThat(rig.book.slotsUsed()).as("the three others were created").isEqualTo(3);
    assertThat(rig.status.pauseReason()).isNull();
  }

  @Test
  void anAccountRefusingEveryRequestPausesAndProbesInTurn() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    for (int i = 0; i < 3; i++) {
      rig.consume(0, null, extract("r" + i, "https://a.io/" + i));
    }
    rig.turn();
    java.util.Set<String> probed = new java.util.HashSet<>();
    for (int round = 0; round < 6; round++) {
      for (Call create : rig.nimble.open(Op.SUBMIT)) {
        probed.add(create.body.get("url").asText());
        create.fail(forbidden());
      }
      rig.advance(Duration.ofSeconds(31));
    }
    rig.commit();
    assertThat(probed).as("every request probed in turn").hasSize(3);
    assertThat(rig.committed(FAILURES)).as("none failed: the account is refused").isEmpty();
  }

  @Test
  void aBatchRefused403IsSplitSoOnlyTheRefusedRequestFails() {
    LifecycleRig rig = new LifecycleRig("BATCH_SUBMIT", "true", "BATCH_LINGER", "0");
    rig.assign(0);
    rig.consume(0, null, extract("premium", "https://a.io/premium"));
    rig.consume(0, null, extract("r0", "https://a.io/0"));
    rig.turn();
    rig.nimble.only(Op.BATCH).fail(forbidden());
    rig.turn();
    for (int round = 0; round < 4; round++) {
      for (Call create : rig.nimble.open(Op.SUBMIT)) {
        if (create.body.get("url").asText().endsWith("premium")) {
          create.fail(forbidden());
        } else {
          create.task("t0", TaskState.PENDING);
        }
      }
      rig.advance(Duration.ofSeconds(1));
    }
    rig.commit();

    assertThat(rig.committed(FAILURES))
        .singleElement()
        .satisfies(f -> assertThat(f.get("request_id").asText()).isEqualTo("premium"));
    assertThat(rig.book.byTaskId(0, "t0")).as("its neighbour was created").isNotNull();
  }
}
