package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.config.WorkerConfig;
import dev.nimblekafka.nimble.NimbleClient;
import dev.nimblekafka.nimble.NimbleGateway;
import dev.nimblekafka.publish.CommitTimer;
import dev.nimblekafka.publish.OutcomeRecords;
import dev.nimblekafka.publish.TransactionalOutput;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.task.DurationEstimator;
import dev.nimblekafka.task.PollSchedule;
import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.StoredTask;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The consume loop on Kafka's mock clients: a newly assigned partition stays paused and the worker
 * not ready until its pending tasks are restored; then it resumes and takes the tasks over.
 */
class ConsumeLoopRestoreTest {
  private static final String REQUESTS = "requests";
  private static final String STATE = "state";
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private Thread thread;
  private ConsumeLoop loop;

  @AfterEach
  void stop() throws InterruptedException {
    if (loop != null) {
      loop.halt();
      thread.join(10_000);
    }
    scheduler.shutdownNow();
  }

  @Test
  @Timeout(60)
  void notReadyAndPausedUntilTheStatePartitionIsRestored() {
    WorkerConfig config =
        ConfigLoader.load(
            Map.of(
                "NIMBLE_API_KEY", "k",
                "NIMBLE_BASE_URL", "http://127.0.0.1:9",
                "REQUESTS_TOPIC", REQUESTS,
                "STATE_TOPIC", STATE,
                "TASK_EXPECTED_DURATION", "1h"),
            Optional.empty());
    ObjectMapper json = new ObjectMapper();
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
    MockConsumer<byte[], byte[]> restore = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    TopicPartition requests0 = new TopicPartition(REQUESTS, 0);
    TopicPartition state0 = new TopicPartition(STATE, 0);
    consumer.updateBeginningOffsets(Map.of(requests0, 0L));
    restore.updateBeginningOffsets(Map.of(state0, 0L));
    restore.updateEndOffsets(Map.of(state0, 1L));

    LinkedBlockingQueue<LoopEvent> events = new LinkedBlockingQueue<>();
    WorkerStatus status = new WorkerStatus();
    WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry(), status);
    NimbleGateway gateway =
        new NimbleGateway(new NimbleClient(config.nimble(), json), config.resilience(), scheduler);
    StateCodec codec = new StateCodec(json);
    loop =
        new ConsumeLoop(
            consumer,
            REQUESTS,
            output ->
                new TaskDriver(
                    config.tasks(),
                    config.topics(),
                    gateway,
                    json,
                    new OutcomeRecords(json, "results", "failures", 1_000_000),
                    new PollSchedule(
                        new DurationEstimator(3_600_000),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30),
                        () -> 0.5),
                    Clock.systemUTC(),
                    metrics,
                    events,
                    output,
                    100,
                    config.callbacks(),
                    config.batch(),
                    1_000_000),
            new StateRestorer(restore, STATE, codec, events),
            events,
            () -> new TransactionalOutput(producer, CommitTimer.NONE),
            status,
            Clock.systemUTC(),
            Duration.ofMillis(100),
            Duration.ofSeconds(5),
            100,
            false,
            ConcurrentHashMap.newKeySet(),
            null,
            "callbacks");
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(requests0)));
    thread = new Thread(loop, "consume-loop-test");
    thread.start();

    await().atMost(Duration.ofSeconds(20)).until(() -> status.assignedPartitions() == 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> restore.assignment().contains(state0));
    assertThat(status.restoringPartitions()).isEqualTo(1);
    assertThat(status.ready()).as("ready while restoring").isFalse();
    assertThat(consumer.paused()).containsExactly(requests0);

    StoredTask stored =
        new StoredTask(
            "r-1",
            "task-1",
            Kind.EXTRACT,
            1,
            System.currentTimeMillis(),
            System.currentTimeMillis(),
            REQUESTS,
            0,
            "{\"extract\":{\"url\":\"https://a.io\"}}".getBytes(StandardCharsets.UTF_8),
            false);
    restore.addRecord(
        new ConsumerRecord<>(
            STATE, 0, 0, "r-1".getBytes(StandardCharsets.UTF_8), codec.encode(stored)));

    await().atMost(Duration.ofSeconds(20)).until(status::ready);
    assertThat(status.restoredTasks()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.paused().isEmpty());
    assertThat(status.slotsUsed()).as("the restored task is watched, not resubmitted").isEqualTo(1);
    assertThat(producer.history()).as("nothing submitted or published").isEmpty();
  }
}
