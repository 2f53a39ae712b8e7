package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.FAILURES;
import static dev.nimblekafka.worker.LifecycleRig.REQUESTS;
import static dev.nimblekafka.worker.LifecycleRig.STATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.testkit.LogCapture;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The requests a worker holds are bounded in bytes, whatever their count, when consumed and when
 * read back from the state topic; and a state record the worker cannot read holds its partition
 * back instead of being skipped. On fakes and Kafka's mock consumer, one loop turn at a time.
 */
@Timeout(60)
class MemoryBoundTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TopicPartition P0 = new TopicPartition(REQUESTS, 0);
  private static final TopicPartition STATE0 = new TopicPartition(STATE, 0);
  private static final StateCodec CODEC = new StateCodec(JSON);

  /** A request of about {@code size} bytes: a small extract with a large metadata blob. */
  private static byte[] request(String id, int size) {
    String head =
        "{"
            + (id == null ? "" : "\"request_id\":\"" + id + "\",")
            + "\"extract\":{\"url\":\"https://a.io\"},\"metadata\":{\"blob\":\"";
    return (head + "x".repeat(Math.max(0, size - head.length() - 3)) + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static ConsumeLoop loopOn(LifecycleRig rig, LogConsumer consumer) {
    return new ConsumeLoop(
        consumer,
        rig.lifecycle,
        rig.unit,
        rig.events,
        rig.status,
        rig.clock,
        new ConsumeLoop.Settings(
            REQUESTS,
            Duration.ofMillis(100),
            Duration.ofSeconds(5),
            rig.config.tasks().maxPending(),
            false,
            Duration.ofMinutes(2)),
        new HintFollower(null, "callbacks", Set.of(), rig.lifecycle),
        ConcurrentHashMap.newKeySet());
  }

  /** Nimble refuses every create: each request ends at once, with one failure. */
  private static void refuseCreates(LifecycleRig rig) {
    for (Call call : rig.nimble.open(Op.SUBMIT)) {
      call.fail(FakeNimble.rejected(400));
    }
  }

  private static Set<String> failureKeys(LifecycleRig rig) {
    Set<String> keys = new HashSet<>();
    for (ProducerRecord<byte[], byte[]> record : rig.output.committed(FAILURES)) {
      keys.add(new String(record.key(), StandardCharsets.UTF_8));
    }
    return keys;
  }

  @Test
  @Timeout(240) // 1 GB of requests parsed, recorded and failed, on a shared machine
  void twelveHundredRequestsOf900KbNeverHoldMoreThanTheByteBound() {
    long bound = 64L << 20;
    LifecycleRig rig = new LifecycleRig(1_000_000, "MAX_PENDING_BYTES", Long.toString(bound));
    rig.output.dropValues();
    LogConsumer consumer = new LogConsumer(50);
    byte[] value = request(null, 900_000); // one array for all: ids derive from the offsets
    for (int i = 0; i < 1_200; i++) {
      consumer.append(P0, null, value);
    }
    ConsumeLoop loop = loopOn(rig, consumer);
    loop.begin();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    loop.runOnce();
    long epoch = rig.restorer.asked.get(0).epoch();
    rig.events.add(new LoopEvent.Restored(0, epoch, List.of(), 0));

    int most = 0;
    Set<String> reasons = new HashSet<>();
    for (int turn = 0; turn < 20_000 && rig.output.committed(FAILURES).size() < 1_200; turn++) {
      loop.runOnce();
      most = Math.max(most, rig.book.pending());
      if (rig.status.pauseReason() != null) {
        reasons.add(rig.status.pauseReason().code());
      }
      if (turn % 3 == 2) {
        refuseCreates(rig); // Nimble answers in a while: the requests pile up meanwhile
      }
      rig.clock.advance(Duration.ofMillis(100));
    }
    assertThat((long) most * value.length)
        .as("bytes of requests held at most")
        .isLessThanOrEqualTo(bound);
    assertThat(most).as("the bound is used, not a trickle").isGreaterThan(40);
    assertThat(reasons).contains("memory");
    assertThat(failureKeys(rig)).as("one outcome per request").hasSize(1_200);
    assertThat(rig.output.committed(FAILURES)).hasSize(1_200);
  }

  @Test
  void aRequestLargerThanTheWholeBoundIsStillTakenAlone() {
    LifecycleRig rig = new LifecycleRig(3_000_000, "MAX_PENDING_BYTES", "1048576");
    LogConsumer consumer = new LogConsumer(50);
    for (int i = 0; i < 3; i++) {
      consumer.append(P0, null, request("big-" + i, 1_500_000));
    }
    ConsumeLoop loop = loopOn(rig, consumer);
    loop.begin();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    loop.runOnce();
    rig.events.add(new LoopEvent.Restored(0, rig.restorer.asked.get(0).epoch(), List.of(), 0));
    int most = 0;
    for (int turn = 0; turn < 200 && rig.output.committed(FAILURES).size() < 3; turn++) {
      loop.runOnce();
      most = Math.max(most, rig.book.pending());
      refuseCreates(rig);
      rig.clock.advance(Duration.ofMillis(100));
    }
    assertThat(most).as("one at a time").isEqualTo(1);
    assertThat(failureKeys(rig)).containsExactlyInAnyOrder("big-0", "big-1", "big-2");
  }

  @Test
  void aRestoreOfAPartitionLargerThanTheBoundHoldsAtMostTheBoundAndEndsEveryRequest() {
    long bound = 1L << 20;
    LifecycleRig rig = new LifecycleRig(1_000_000, "MAX_PENDING_BYTES", Long.toString(bound));
    LogConsumer state = new LogConsumer(40);
    rig.restorer.reader =
        new StateRestorer(state, STATE, CODEC, LifecycleRig.usages(rig), rig.events);
    rig.restorer.start();
    int size = 20_000;
    long now = rig.clock.millis();
    Set<String> live = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String id = "r-" + i;
      live.add(id);
      state.append(STATE0, key(id), CODEC.encode(stored(id, request(id, size), now)));
      if (i % 10 == 0) {
        // an earlier record of a request the state later ended: never loaded
        String gone = "gone-" + i;
        state.append(STATE0, key(gone), CODEC.encode(stored(gone, request(gone, size), now)));
        state.append(STATE0, key(gone), null);
      }
    }
    try {
      rig.lifecycle.assign(0, 1, TaskBook.Handover.CLEAN);
      int[] most = {0};
      await()
          .atMost(Duration.ofSeconds(45))
          .pollInSameThread()
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> {
                rig.turn();
                most[0] = Math.max(most[0], rig.book.pending());
                refuseCreates(rig);
                rig.turn();
                rig.commit();
                return rig.output.committed(FAILURES).size() >= live.size();
              });
      assertThat((long) most[0] * size).as("bytes held at most").isLessThanOrEqualTo(bound);
      assertThat(failureKeys(rig)).isEqualTo(live);
      assertThat(rig.output.committed(FAILURES)).hasSize(live.size());
      assertThat(rig.book.restored(0)).isTrue();
    } finally {
      rig.restorer.close();
    }
  }

  @Test
  void aStateRecordOfAnUnknownVersionHoldsItsPartitionBack() {
    LifecycleRig rig = new LifecycleRig();
    LogConsumer state = new LogConsumer(40);
    rig.restorer.reader =
        new StateRestorer(state, STATE, CODEC, LifecycleRig.usages(rig), rig.events);
    rig.restorer.start();
    long now = rig.clock.millis();
    state.append(STATE0, key("r1"), CODEC.encode(stored("r1", request("r1", 100), now)));
    state.append(
        STATE0,
        key("r1"),
        "{\"v\":2,\"request_id\":\"r1\",\"task_id\":\"T\",\"format\":\"later\"}"
            .getBytes(StandardCharsets.UTF_8));
    state.append(STATE0, key("r2"), CODEC.encode(stored("r2", request("r2", 100), now)));
    try (LogCapture logs = LogCapture.start(Map.of(Lifecycle.class.getName(), Level.INFO))) {
      rig.lifecycle.assign(0, 1, TaskBook.Handover.CLEAN);
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInSameThread()
          .until(
              () -> {
                rig.turn();
                return rig.counter("nimble_worker_state_unknown_versions") > 0
                    || rig.book.restored(0);
              });
      rig.turn();
      assertThat(rig.book.restored(0)).as("held back").isFalse();
      assertThat(rig.nimble.count(Op.SUBMIT)).as("nothing submitted from a stale record").isZero();
      assertThat(rig.counter("nimble_worker_state_unknown_versions")).isEqualTo(1);
      assertThat(logs.lines())
          .anySatisfy(
              line ->
                  assertThat(line)
                      .startsWith("ERROR")
                      .containsIgnoringCase("partition 0")
                      .contains("version 2"));
    } finally {
      rig.restorer.close();
    }
  }

  private static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  private static StoredTask stored(String id, byte[] request, long now) {
    return new StoredTask(id, null, Kind.EXTRACT, 0, 0, 0, REQUESTS, 0, request, false, null);
  }
}
