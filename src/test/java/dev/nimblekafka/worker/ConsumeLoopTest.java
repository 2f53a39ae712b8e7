package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.FAILURES;
import static dev.nimblekafka.worker.LifecycleRig.REQUESTS;
import static dev.nimblekafka.worker.LifecycleRig.STATE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.publish.OutputException;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.worker.FakeNimble.Op;
import dev.nimblekafka.worker.FakeRestorer.Ask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The consume loop on Kafka's mock consumer and the lifecycle's fakes, one turn at a time on the
 * test's thread: pausing until a partition is restored, and replaying after a failed commit.
 */
@Timeout(10)
class ConsumeLoopTest {
  private static final TopicPartition P0 = new TopicPartition(REQUESTS, 0);

  private final LifecycleRig rig = new LifecycleRig();
  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
  private final ConsumeLoop loop = loopOn(consumer);

  private ConsumeLoop loopOn(MockConsumer<byte[], byte[]> consumer) {
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
            1_000,
            false,
            Duration.ofMinutes(2)),
        new HintFollower(null, "callbacks", Set.of(), rig.lifecycle),
        ConcurrentHashMap.newKeySet());
  }

  private Ask assignPartitionZero() {
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    loop.begin();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    loop.runOnce();
    return rig.restorer.asked.get(rig.restorer.asked.size() - 1);
  }

  private void restored(Ask ask, StoredTask... tasks) {
    rig.events.add(new LoopEvent.Restored(ask.partition(), ask.epoch(), List.of(tasks), 0));
  }

  private void record(long offset, String value) {
    consumer.addRecord(
        new ConsumerRecord<>(REQUESTS, 0, offset, null, value.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void notReadyAndPausedUntilThePartitionsStateIsRestored() {
    Ask ask = assignPartitionZero();
    assertThat(rig.status.assignedPartitions()).isEqualTo(1);
    loop.runOnce();
    assertThat(consumer.paused()).containsExactly(P0);
    assertThat(rig.status.restoringPartitions()).isEqualTo(1);
    assertThat(rig.status.ready()).as("ready while restoring").isFalse();

    long now = rig.clock.millis();
    restored(
        ask,
        new StoredTask(
            "r-1",
            "task-1",
            dev.nimblekafka.request.Kind.EXTRACT,
            1,
            now,
            now,
            REQUESTS,
            0,
            "{\"extract\":{\"url\":\"https://a.io\"}}".getBytes(StandardCharsets.UTF_8),
            false,
            null));
    loop.runOnce();
    assertThat(consumer.paused()).isEmpty();
    assertThat(rig.status.ready()).isTrue();
    assertThat(rig.status.slotsUsed()).as("the restored task is watched").isEqualTo(1);
    assertThat(rig.nimble.count(Op.SUBMIT)).as("not created again").isZero();
  }

  @Test
  void aWorkerIsNotReadyForAMomentBetweenAnAssignmentAndItsRestore() {
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    loop.begin();
    boolean[] readyRightAfter = {true};
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0)); // runs the assignment callback
          readyRightAfter[0] = rig.status.ready(); // what a health probe would see now
        });
    loop.runOnce();
    assertThat(readyRightAfter[0]).as("ready before the partition was restored").isFalse();
  }

  @Test
  void aFailedCommitWritesItsWorkAgainAndNothingIsCreatedTwice() {
    restored(assignPartitionZero());
    loop.runOnce();
    record(0, LifecycleRig.extract("r1", "https://a.io"));
    record(1, "not json");
    loop.runOnce();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    loop.runOnce();

    rig.output.failCommits(1, new OutputException("generation id is not valid", null, false));
    commitInterval();
    assertThat(rig.output.committed()).isEmpty();
    assertThat(rig.restorer.asked).as("nothing is read back or replayed").hasSize(1);
    assertThat(rig.outcomes("failures", "INVALID_JSON")).isZero();

    commitInterval();
    assertThat(rig.output.committed(STATE))
        .last()
        .satisfies(
            r -> assertThat(LifecycleRig.json(r.value()).get("task_id").asText()).isEqualTo("t1"));
    assertThat(rig.output.committed(FAILURES)).hasSize(1);
    assertThat(rig.output.commits())
        .last()
        .satisfies(c -> assertThat(c.get(P0).offset()).isEqualTo(2));
    assertThat(rig.outcomes("failures", "INVALID_JSON")).isEqualTo(1);
    assertThat(rig.nimble.count(Op.SUBMIT)).isEqualTo(1);
  }

  @Test
  void anOutputLeftUnusableIsReplacedAndTheUnitWrittenToTheNewOne() {
    restored(assignPartitionZero());
    loop.runOnce();
    record(0, LifecycleRig.extract("r1", "https://a.io"));
    loop.runOnce();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    loop.runOnce();
    int opened = rig.outputsOpened;

    // a broker restart can leave the transactional producer unusable (its epoch was bumped)
    rig.output.failCommits(1, new OutputException("producer unusable", null, true));
    commitInterval();
    assertThat(rig.outputsOpened).as("a new producer").isEqualTo(opened + 1);
    commitInterval();
    assertThat(rig.output.committed(STATE))
        .last()
        .satisfies(
            r -> assertThat(LifecycleRig.json(r.value()).get("task_id").asText()).isEqualTo("t1"));
    assertThat(rig.restorer.asked).as("nothing replayed").hasSize(1);
    assertThat(rig.nimble.count(Op.SUBMIT)).isEqualTo(1);
  }

  @Test
  void commitsThatKeepFailingAreAnsweredWithAReplayFromTheLastCommit() {
    restored(assignPartitionZero());
    loop.runOnce();
    record(0, "not json");
    loop.runOnce();
    rig.output.failCommits(1_000, new OutputException("coordinator unavailable", null, false));
    commitInterval();
    rig.clock.advance(Duration.ofMinutes(3));
    loop.runOnce();
    assertThat(rig.restorer.asked).as("read back anew for the replay").hasSize(2);
    assertThat(rig.unit.size()).isZero();
  }

  @Test
  void aLostPartitionsWorkLeavesTheTransactionAndTheOthersStays() {
    TopicPartition p1 = new TopicPartition(REQUESTS, 1);
    consumer.updateBeginningOffsets(Map.of(P0, 0L, p1, 0L));
    loop.begin();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0, p1)));
    loop.runOnce();
    for (Ask ask : List.copyOf(rig.restorer.asked)) {
      restored(ask);
    }
    loop.runOnce();
    consumer.addRecord(new ConsumerRecord<>(REQUESTS, 0, 0, null, "zero".getBytes()));
    consumer.addRecord(new ConsumerRecord<>(REQUESTS, 1, 0, null, "one".getBytes()));
    loop.runOnce();
    assertThat(rig.output.open()).hasSize(2);

    loop.onPartitionsLost(List.of(p1));
    commitInterval();
    assertThat(rig.output.committed(FAILURES))
        .extracting(r -> LifecycleRig.json(r.value()).get("request_id").asText())
        .containsExactly("requests-0-0");
  }

  @Test
  void aCommitWhileACreateIsOutTellsTheNextOwnerToLookBackToWhenItWentOut() {
    restored(assignPartitionZero());
    loop.runOnce();
    long sent = rig.clock.millis();
    record(0, LifecycleRig.extract("r1", "https://a.io"));
    loop.runOnce();
    assertThat(rig.nimble.open(Op.SUBMIT)).as("the create is out").hasSize(1);
    rig.clock.advance(Duration.ofSeconds(40)); // a slow create: longer than the look-up's skew
    commitInterval();
    OffsetAndMetadata committed = rig.output.commits().get(rig.output.commits().size() - 1).get(P0);
    assertThat(Handovers.of(committed).since())
        .as("a crash now leaves a task created at any time since the create went out")
        .isEqualTo(sent);
  }

  @Test
  void aRevokedPartitionIsCommittedAsACleanHandOverAndPeriodicCommitsAreNot() {
    restored(assignPartitionZero());
    loop.runOnce();
    record(0, "not json");
    loop.runOnce();
    commitInterval();
    assertThat(rig.output.commits().get(0).get(P0).metadata()).contains(";clean=0");
    record(1, "not json either");
    loop.runOnce();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
    loop.runOnce();
    assertThat(rig.output.commits())
        .last()
        .satisfies(c -> assertThat(c.get(P0).metadata()).contains(";clean=1"));
    assertThat(rig.output.committed(FAILURES)).hasSize(2);
  }

  @Test
  void aPartitionTakenOverAfterACrashLooksUpWhatItsOwnerMayHaveSubmitted() {
    // the previous owner's last commit, made while create calls were in flight (the mock consumer
    // keeps no offset metadata, so the committed offset is given here as the broker would)
    long crashedAt = rig.clock.millis() - 1_000;
    OffsetAndMetadata last = new OffsetAndMetadata(0, Handovers.metadata(crashedAt, 0, false, -1));
    MockConsumer<byte[], byte[]> consumer = consumerWhoseLastCommitWas(last);
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    ConsumeLoop loop = loopOn(consumer);
    loop.begin();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    loop.runOnce();
    restored(rig.restorer.asked.get(0));
    loop.runOnce();
    consumer.addRecord(
        new ConsumerRecord<>(
            REQUESTS,
            0,
            0,
            null,
            LifecycleRig.extract("r1", "https://a.io").getBytes(StandardCharsets.UTF_8)));
    loop.runOnce();
    assertThat(rig.nimble.open(Op.SUBMIT)).as("not submitted before it is looked up").isEmpty();
    rig.nimble
        .only(Op.LIST)
        .page(
            null,
            FakeNimble.listed(
                "t1",
                crashedAt + 10,
                new ObjectMapper()
                    .createObjectNode()
                    .put("url", "https://a.io")
                    .put("tag", SubmissionMark.of("r1", 0, 0, 0))));
    loop.runOnce();
    assertThat(rig.nimble.count(Op.SUBMIT)).isZero();
    assertThat(rig.book.byTaskId(0, "t1")).isNotNull();
  }

  @Test
  void aPartitionHandedOnBeforeItsSuspectsWereLookedUpIsNotCommittedAsClean() {
    OffsetAndMetadata last =
        new OffsetAndMetadata(0, Handovers.metadata(rig.clock.millis() - 1_000, 0, false, -1));
    MockConsumer<byte[], byte[]> consumer = consumerWhoseLastCommitWas(last);
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    ConsumeLoop loop = loopOn(consumer);
    loop.begin();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    loop.runOnce();
    rig.nimble.circuitOpen = true; // no lookup can start
    byte[] recorded = LifecycleRig.extract("r0", "https://a.io").getBytes(StandardCharsets.UTF_8);
    restored(
        rig.restorer.asked.get(0),
        new StoredTask(
            "r0",
            null,
            dev.nimblekafka.request.Kind.EXTRACT,
            0,
            0,
            0,
            REQUESTS,
            0,
            recorded,
            false,
            null));
    loop.runOnce();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
    loop.runOnce();
    assertThat(rig.output.commits())
        .last()
        .satisfies(c -> assertThat(c.get(P0).metadata()).contains(";clean=0"));
  }

  /** A mock consumer whose partition 0 was last committed so (it keeps no offset metadata). */
  private static MockConsumer<byte[], byte[]> consumerWhoseLastCommitWas(OffsetAndMetadata last) {
    return new MockConsumer<>("earliest") {
      @Override
      public synchronized Map<TopicPartition, OffsetAndMetadata> committed(
          Set<TopicPartition> partitions) {
        return Map.of(P0, last);
      }
    };
  }

  @Test
  void failingCommitsPauseFetchingAndNoCreateStartsUntilOneSucceeds() {
    restored(assignPartitionZero());
    loop.runOnce();
    record(0, "not json");
    loop.runOnce();
    rig.output.failCommits(3, new OutputException("results topic refuses records", null, false));
    commitInterval();
    record(1, LifecycleRig.extract("r1", "https://a.io"));
    loop.runOnce();
    loop.runOnce();
    assertThat(consumer.paused()).as("no fetching while commits fail").contains(P0);
    assertThat(rig.nimble.count(Op.SUBMIT)).as("no create while commits fail").isZero();
    assertThat(rig.status.pauseReason()).isEqualTo(PauseReason.COMMIT_FAILING);

    commitInterval();
    commitInterval();
    commitInterval(); // the fourth commit succeeds
    loop.runOnce();
    loop.runOnce();
    assertThat(rig.nimble.count(Op.SUBMIT)).as("work resumes once a commit succeeds").isEqualTo(1);
  }

  @Test
  void aReplayAfterFailingCommitsLooksUpEveryRequestItHadReadWhateverItsOffset() {
    restored(assignPartitionZero());
    loop.runOnce();
    int invalid = (int) Handovers.SUSPECT_WINDOW + 10;
    for (int offset = 0; offset < invalid; offset++) {
      record(offset, "not json");
    }
    record(invalid, LifecycleRig.extract("r1", "https://a.io"));
    loop.runOnce();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    loop.runOnce();
    rig.output.failCommits(1_000, new OutputException("coordinator unavailable", null, false));
    commitInterval();
    rig.clock.advance(Duration.ofMinutes(3));
    loop.runOnce(); // replays from the last commit (none: from the beginning)
    restored(rig.restorer.asked.get(rig.restorer.asked.size() - 1));
    rig.output.failCommits(0, null);
    loop.runOnce();
    record(invalid, LifecycleRig.extract("r1", "https://a.io")); // read again
    loop.runOnce();
    loop.runOnce();

    assertThat(rig.nimble.count(Op.SUBMIT)).as("not created again without a look-up").isEqualTo(1);
    assertThat(rig.nimble.open(Op.LIST)).as("looked up").hasSize(1);
  }

  @Test
  void aCommitWhoseOutcomeIsUnknownIsReplayedNotWrittenAgain() {
    restored(assignPartitionZero());
    loop.runOnce();
    record(0, LifecycleRig.extract("r1", "https://a.io"));
    loop.runOnce();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    loop.runOnce();
    int opened = rig.outputsOpened;

    rig.output.failCommits(1, new OutputException("commit timed out", null, true, true));
    commitInterval();

    assertThat(rig.outputsOpened).as("a new producer").isEqualTo(opened + 1);
    assertThat(rig.unit.size()).as("nothing written again").isZero();
    assertThat(rig.restorer.asked).as("read back from what is committed").hasSize(2);
  }

  @Test
  void aHandOverWhoseFirstCommitFailedIsNeverCommittedAsClean() {
    restored(assignPartitionZero());
    loop.runOnce();
    record(0, "not json");
    loop.runOnce();
    rig.output.failCommits(1, new OutputException("commit timed out", null, true, true));
    consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
    loop.runOnce();
    assertThat(rig.output.commits())
        .last()
        .satisfies(c -> assertThat(c.get(P0).metadata()).contains(";clean=0"));
  }

  private void commitInterval() {
    rig.clock.advance(Duration.ofMillis(200));
    loop.runOnce();
  }
}
