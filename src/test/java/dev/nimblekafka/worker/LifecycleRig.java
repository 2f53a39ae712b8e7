package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.config.WorkerConfig;
import dev.nimblekafka.fleet.FleetShare;
import dev.nimblekafka.fleet.KeyBudget;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.publish.OutcomeRecords;
import dev.nimblekafka.publish.OutputException;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.testkit.ManualClock;
import dev.nimblekafka.trace.RequestTracing;
import dev.nimblekafka.usage.UsageCodec;
import dev.nimblekafka.usage.UsageView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * The request lifecycle wired to fakes for the fast tier: Nimble in memory ({@link FakeNimble}), an
 * output in memory, a restorer the test answers, and a clock that moves only when told. Everything
 * runs on the test's thread; one {@link #turn()} is one turn of the consume loop.
 */
final class LifecycleRig {
  static final String REQUESTS = "requests";
  static final String STATE = "state";
  static final String RESULTS = "results";
  static final String FAILURES = "failures";
  private static final ObjectMapper JSON = new ObjectMapper();

  final ManualClock clock = new ManualClock();
  final FakeNimble nimble = new FakeNimble();
  final RecordingOutput output = new RecordingOutput();

  /** How many times an output was opened (a fatal commit error replaces it). */
  int outputsOpened;

  final UnitOfWork unit =
      new UnitOfWork(
          () -> {
            outputsOpened++;
            return output;
          });
  final FakeRestorer restorer = new FakeRestorer();
  final LinkedBlockingQueue<LoopEvent> events = new LinkedBlockingQueue<>();
  final WorkerStatus status = new WorkerStatus(clock, Duration.ofMinutes(2));
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final WorkerMetrics metrics = new WorkerMetrics(registry, status);
  final TaskBook book;
  final WorkerConfig config;
  final Lifecycle lifecycle;
  final KeyBudget budget;
  final Ownership ownership = new Ownership(clock, 10_000, 100);

  /** What the usage topic says the fleet created, as a budget reads it (read, nothing else). */
  UsageView.Snapshot fleetUsage = UsageView.Snapshot.empty(0);

  private final Map<Integer, Long> nextOffset = new HashMap<>();
  private long epochs;

  /** A rig with the worker's defaults, batching off, and these settings on top. */
  LifecycleRig(String... settings) {
    this(100_000, settings);
  }

  /** A rig whose requests and calls are traced through {@code openTelemetry}. */
  LifecycleRig(io.opentelemetry.api.OpenTelemetry openTelemetry, String... settings) {
    this(100_000, new RequestTracing(openTelemetry, REQUESTS), settings);
  }

  /**
   * A rig that takes requests of up to {@code maxRequestBytes} (the state topic's limit), with
   * these settings.
   */
  LifecycleRig(int maxRequestBytes, String... settings) {
    this(maxRequestBytes, RequestTracing.none(REQUESTS), settings);
  }

  private LifecycleRig(int maxRequestBytes, RequestTracing tracing, String... settings) {
    Map<String, String> env = new HashMap<>();
    env.put("NIMBLE_API_KEY", "test-key");
    env.put("NIMBLE_BASE_URL", "http://127.0.0.1:9");
    env.put("REQUESTS_TOPIC", REQUESTS);
    env.put("STATE_TOPIC", STATE);
    env.put("RESULTS_TOPIC", RESULTS);
    env.put("FAILURES_TOPIC", FAILURES);
    env.put("BATCH_SUBMIT", "false");
    env.put("TASK_EXPECTED_DURATION", "10s");
    env.put("POLL_LIST_LIMIT", "0"); // one call per check, unless a test turns bulk reads on
    for (int i = 0; i + 1 < settings.length; i += 2) {
      env.put(settings[i], settings[i + 1]);
    }
    config = ConfigLoader.load(env, Optional.empty());
    unit.open();
    budget =
        new KeyBudget(
            new FleetShare.Share(config.resilience().callsPerSecond(), config.key().fleetTasks()),
            config.tasks().maxPending(),
            clock::millis);
    lifecycle =
        Lifecycle.create(
            config,
            new Lifecycle.Parts(
                nimble,
                budget,
                new OutcomeRecords(JSON, RESULTS, FAILURES, 1_000_000),
                unit,
                restorer,
                clock,
                metrics,
                status,
                events,
                () -> 0.5,
                ownership,
                tracing,
                () -> fleetUsage),
            JSON,
            maxRequestBytes);
    book = lifecycle.book();
  }

  /** Takes a partition on and reads back this state for it; returns the ownership epoch. */
  long assign(int partition, StoredTask... stored) {
    return assign(partition, TaskBook.Handover.CLEAN, stored);
  }

  /** Takes a partition over after this hand-over, with this state; returns the epoch. */
  long assign(int partition, TaskBook.Handover handover, StoredTask... stored) {
    long epoch = ++epochs;
    lifecycle.assign(partition, epoch, handover);
    events.add(new LoopEvent.Restored(partition, epoch, List.of(stored), 0));
    turn();
    return epoch;
  }

  /** A request record arrives on the partition; returns its offset. */
  long consume(int partition, String key, String value) {
    return consume(partition, key, value.getBytes(StandardCharsets.UTF_8));
  }

  long consume(int partition, String key, byte[] value) {
    return consume(partition, key, value, new RecordHeaders());
  }

  /** A request record with these headers arrives on the partition; returns its offset. */
  long consume(int partition, String key, byte[] value, Headers headers) {
    long offset = nextOffset.merge(partition, 1L, Long::sum) - 1;
    lifecycle.admit(
        new ConsumerRecord<>(
            REQUESTS,
            partition,
            offset,
            0L,
            TimestampType.CREATE_TIME,
            -1,
            value.length,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            value,
            headers,
            Optional.empty()));
    return offset;
  }

  /** A request for https://a.io arrives, is submitted, and Nimble creates {@code taskId}. */
  void created(int partition, String requestId, String taskId) {
    consume(partition, null, extract(requestId, "https://a.io"));
    turn();
    nimble.only(FakeNimble.Op.SUBMIT).task(taskId, TaskState.PENDING);
    turn();
  }

  /** One turn of the loop: every answer that came back is handled, then what is due starts. */
  void turn() {
    LoopEvent event;
    while ((event = events.poll()) != null) {
      event.dispatchTo(lifecycle);
    }
    ownership.turned();
    lifecycle.dispatch(false, ownership.commitsFailing());
  }

  /** Takes a turn (answers given so far are handled now), moves the clock, takes another. */
  void advance(Duration by) {
    turn();
    clock.advance(by);
    turn();
  }

  /** Commits the unit of work as the loop does: the output first, then the book and the meters. */
  void commit() {
    lifecycle.beforeCommit(false);
    Map<Integer, Long> offsets = book.committable(partition -> 0L);
    Map<TopicPartition, OffsetAndMetadata> kafka = new HashMap<>();
    offsets.forEach((p, o) -> kafka.put(new TopicPartition(REQUESTS, p), new OffsetAndMetadata(o)));
    try {
      unit.commit(kafka, null);
    } catch (OutputException e) {
      unit.abort(e.fatal());
      unit.resend(); // as the loop does: the unit's records go into the next transaction
      throw e;
    }
    book.committed(offsets);
    lifecycle.committed();
  }

  /** Where a restorer of this rig reads usage totals back from: topic {@code usage}. */
  static StateRestorer.Usages usages(LifecycleRig rig) {
    return new StateRestorer.Usages("usage", new UsageCodec(JSON), rig.clock);
  }

  /** Committed records of a topic, values as JSON (a tombstone as null). */
  List<JsonNode> committed(String topic) {
    List<JsonNode> values = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> record : output.committed(topic)) {
      values.add(record.value() == null ? null : json(record.value()));
    }
    return values;
  }

  /** Records of a topic sent since the last commit, values as JSON (a tombstone as null). */
  List<JsonNode> open(String topic) {
    List<JsonNode> values = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> record : output.open()) {
      if (record.topic().equals(topic)) {
        values.add(record.value() == null ? null : json(record.value()));
      }
    }
    return values;
  }

  double outcomes(String topic, String code) {
    Counter counter =
        registry.find("nimble_worker_outcomes").tag("topic", topic).tag("code", code).counter();
    return counter == null ? 0 : counter.count();
  }

  double counter(String name) {
    Counter counter = registry.find(name).counter();
    return counter == null ? 0 : counter.count();
  }

  static String extract(String id, String url) {
    return "{\"request_id\":\"" + id + "\",\"extract\":{\"url\":\"" + url + "\"}}";
  }

  static JsonNode json(byte[] value) {
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
