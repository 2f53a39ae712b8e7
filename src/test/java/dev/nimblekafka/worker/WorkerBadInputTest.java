package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.contract.Contracts;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestInputs;
import dev.nimblekafka.request.RequestParser;
import dev.nimblekafka.sim.DurationDistribution;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;
import net.jqwik.api.sessions.JqwikSession;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real worker against a stream of generated bad and good records (fixed seed): each record gets
 * exactly one outcome, each valid one exactly one Nimble task, the worker stays alive, and records
 * produced after the bad ones still get theirs. Plus the inputs that once stopped a partition.
 */
@RealKafka
class WorkerBadInputTest {
  private static final long SEED = 20_261_123L;
  private static final int RECORDS = 300;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int NEAR_LIMIT = 1_040_000;

  private static SimConfig.Builder sim() {
    return SimConfig.builder()
        .port(0)
        .apiKey(WorkerHarness.API_KEY)
        .maxConcurrentTasks(200)
        .requestsPerSecond(5_000)
        .callbackTimeout(Duration.ofMillis(200))
        .taskDuration(DurationDistribution.uniform(Duration.ofMillis(50), Duration.ofMillis(300)));
  }

  @Test
  @Timeout(150)
  void everyRecordGetsExactlyOneOutcomeAndThePartitionsKeepMoving(KafkaBroker broker)
      throws Exception {
    Random random = new Random(SEED);
    try (NimbleSimulator sim = NimbleSimulator.start(sim().build());
        WorkerHarness harness = new WorkerHarness(broker, sim, 2, Map.of());
        KafkaProducer<byte[], byte[]> producer = producer(broker)) {
      Worker worker = harness.startWorker("fuzz-1");
      RequestParser parser = new RequestParser(JSON);
      List<ProducerRecord<byte[], byte[]>> records;
      JqwikSession.start(Long.toString(SEED));
      try {
        records = generate(harness.requests, random, parser);
      } finally {
        JqwikSession.finish();
      }

      List<RecordMetadata> sent = send(producer, records);
      Map<String, ParseResult> expected = new HashMap<>();
      for (int i = 0; i < records.size(); i++) {
        RecordMetadata meta = sent.get(i);
        ParseResult result =
            parser.parse(meta.topic(), meta.partition(), meta.offset(), records.get(i).value());
        expected.put(idOf(result), result);
      }
      assertThat(expected).as("distinct ids (seed %d)", SEED).hasSize(records.size());

      List<WorkerHarness.Outcome> outcomes =
          outcomes(harness, worker, sim, records.size(), Duration.ofSeconds(90));
      Map<String, WorkerHarness.Outcome> byId =
          WorkerHarness.exactlyOnce(outcomes, expected.keySet());
      int withTask = 0;
      Set<String> codes = new HashSet<>();
      for (Map.Entry<String, ParseResult> entry : expected.entrySet()) {
        WorkerHarness.Outcome outcome = byId.get(entry.getKey());
        JsonNode value = outcome.value();
        if (entry.getValue() instanceof ParseResult.Invalid invalid) {
          assertThat(outcome.topic()).isEqualTo(harness.failures);
          assertThat(value.path("error").path("code").asText())
              .as("outcome of %s", entry.getKey())
              .isEqualTo(invalid.error().code());
          assertThat(value.path("stage").asText()).isEqualTo(invalid.error().stage());
          assertThat(value.has("task_id")).isFalse();
          codes.add(invalid.error().code());
        } else if (outcome.topic().equals(harness.failures)) {
          assertThat(value.path("stage").asText()).as("Nimble refused it").isEqualTo("submit");
        }
        if (value.hasNonNull("task_id")) {
          withTask++;
        }
      }
      assertThat(sim.stats().tasksCreated())
          .as("one task per submitted request")
          .isEqualTo(withTask);
      assertThat(sim.stats().duplicateInputsLive()).as("nothing charged twice").isZero();

      // records produced after all the bad ones still get their outcomes
      List<String> after = WorkerHarness.extractRequests("after", 20);
      harness.produce(after);
      List<WorkerHarness.Outcome> all =
          outcomes(harness, worker, sim, records.size() + after.size(), Duration.ofSeconds(60));
      Set<String> ids = new HashSet<>(expected.keySet());
      for (int i = 0; i < after.size(); i++) {
        ids.add("after-" + i);
      }
      WorkerHarness.exactlyOnce(all, ids);
      assertThat(worker.status().live()).isTrue();
    }
  }

  @Test
  @Timeout(90)
  void aResultTooLargeForTheResultsTopicBecomesAFailureAndThePartitionMovesOn(KafkaBroker broker)
      throws Exception {
    SimConfig config = sim().resultSizeBytes(200_000).build();
    try (NimbleSimulator sim = NimbleSimulator.start(config);
        WorkerHarness harness = new WorkerHarness(broker, sim, 1, Map.of())) {
      broker.createTopic(harness.results, 1, Map.of("max.message.bytes", "65536"));
      Worker worker = harness.startWorker("too-large");
      harness.produce(WorkerHarness.extractRequests("big", 3));
      List<WorkerHarness.Outcome> outcomes =
          outcomes(harness, worker, sim, 3, Duration.ofSeconds(45));

      for (WorkerHarness.Outcome outcome : outcomes) {
        JsonNode value = outcome.value();
        String taskId = value.path("task_id").asText();
        assertThat(outcome.topic()).isEqualTo(harness.failures);
        assertThat(value.path("error").path("code").asText()).isEqualTo("RESULT_TOO_LARGE");
        assertThat(taskId).isNotBlank();
        JsonNode details = value.path("error").path("details");
        assertThat(details.path("results_url").asText())
            .isEqualTo(sim.baseUrl() + "/v1/tasks/" + taskId + "/results");
        assertThat(details.path("size_bytes").asLong())
            .isGreaterThan(details.path("limit_bytes").asLong());
        assertThat(details.path("limit_bytes").asLong()).isLessThan(65_536);
        assertThat(value.path("error").path("message").asText())
            .contains(taskId)
            .contains(details.path("results_url").asText());
        assertThat(Contracts.errors("failure", value)).isEmpty();
      }
      harness.produce(List.of("{\"request_id\":\"next-1\",\"extract\":{}}"));
      harness.produce(WorkerHarness.extractRequests("next-big", 1));
      List<WorkerHarness.Outcome> all = outcomes(harness, worker, sim, 5, Duration.ofSeconds(30));
      WorkerHarness.exactlyOnce(all, List.of("big-0", "big-1", "big-2", "next-1", "next-big-0"));
    }
  }

  @Test
  @Timeout(60)
  void aRequestWithAnEscapedLoneSurrogateInAFieldNameDoesNotStopTheWorker(KafkaBroker broker)
      throws Exception {
    // accepted by the parser (which reads text); read again from bytes before submitting it
    poisonThenGood(
        broker,
        "{\"request_id\":\"surrogate\",\"extract\":{\"url\":\"https://a.io\",\"\\udc00\":1}}"
            .getBytes(StandardCharsets.UTF_8),
        "surrogate");
  }

  @Test
  @Timeout(60)
  void aBadFormatOfHalfAMegabyteDoesNotBlockThePartition(KafkaBroker broker) throws Exception {
    // the failure quotes the format: in its value (cut) and in its dead-letter header (not cut)
    poisonThenGood(
        broker,
        ("{\"request_id\":\"format\",\"extract\":{\"url\":\"https://a.io\",\"formats\":[\""
                + "f".repeat(600_000)
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8),
        "format");
  }

  @Test
  @Timeout(60)
  void aValidRequestCloseToTheTopicLimitDoesNotBlockThePartition(KafkaBroker broker)
      throws Exception {
    // its state record is the request plus the task's fields: larger than the request topic allows
    String prefix = "{\"request_id\":\"huge\",\"extract\":{\"url\":\"https://a.io\",\"x\":\"";
    String suffix = "\"}}";
    int pad = 1_048_400 - prefix.length() - suffix.length();
    poisonThenGood(
        broker, (prefix + "p".repeat(pad) + suffix).getBytes(StandardCharsets.UTF_8), "huge");
  }

  @Test
  @Timeout(60)
  void aDeeplyNestedRequestIsChargedOnceAndHoldsUpNoOther(KafkaBroker broker) throws Exception {
    // 1000 levels in all is what the parser reads; Nimble's answer quotes the body in two or three
    // more, which the worker cannot read back: it took that for a failed call and called again
    String nested = "[".repeat(997) + "]".repeat(997);
    byte[] deep =
        ("{\"request_id\":\"deep\",\"extract\":{\"url\":\"https://a.io/d\",\"x\":" + nested + "}}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] good =
        "{\"request_id\":\"good-0\",\"extract\":{\"url\":\"https://a.io/g\"}}"
            .getBytes(StandardCharsets.UTF_8);
    try (NimbleSimulator sim = NimbleSimulator.start(sim().build());
        WorkerHarness harness = new WorkerHarness(broker, sim, 1, Map.of());
        KafkaProducer<byte[], byte[]> producer = producer(broker)) {
      Worker worker = harness.startWorker("deep");
      await().atMost(Duration.ofSeconds(30)).until(() -> worker.status().ready());
      send(
          producer,
          List.of(
              new ProducerRecord<>(harness.requests, null, deep),
              new ProducerRecord<>(harness.requests, null, good)));
      List<WorkerHarness.Outcome> outcomes =
          outcomes(harness, worker, sim, 2, Duration.ofSeconds(25));
      WorkerHarness.exactlyOnce(outcomes, List.of("deep", "good-0"));
      assertThat(sim.stats().tasksCreated()).as("tasks created").isLessThanOrEqualTo(2);
    }
  }

  /**
   * Produces {@code bad} then a good request; both must get their outcome (one each), the worker
   * must stay alive, and Nimble must see at most one task for the bad one.
   */
  private void poisonThenGood(KafkaBroker broker, byte[] bad, String badId) throws Exception {
    try (NimbleSimulator sim = NimbleSimulator.start(sim().build());
        WorkerHarness harness = new WorkerHarness(broker, sim, 1, Map.of());
        KafkaProducer<byte[], byte[]> producer = producer(broker)) {
      Worker worker = harness.startWorker("poison");
      send(producer, List.of(new ProducerRecord<>(harness.requests, null, bad)));
      harness.produce(WorkerHarness.extractRequests("good", 1));
      List<WorkerHarness.Outcome> outcomes =
          outcomes(harness, worker, sim, 2, Duration.ofSeconds(25));
      WorkerHarness.exactlyOnce(outcomes, List.of(badId, "good-0"));
      assertThat(worker.status().live()).isTrue();
      assertThat(sim.stats().tasksCreated()).as("tasks created").isLessThanOrEqualTo(2);
    }
  }

  // ---- generation -------------------------------------------------------------------------

  /**
   * {@link #RECORDS} records: generated request-like objects, bad bytes, valid requests, null
   * values and a few values close to the topic's limit, with arbitrary keys and headers (non-UTF-8
   * bytes, null values, one value close to the limit). Ids are made distinct, and callback URLs are
   * dropped so the simulator calls nothing outside.
   */
  private static List<ProducerRecord<byte[], byte[]>> generate(
      String topic, Random random, RequestParser parser) {
    RandomGenerator<ObjectNode> requestLike = RequestInputs.requestLike().generator(100);
    RandomGenerator<ObjectNode> valid = RequestInputs.validRequests().generator(100);
    RandomGenerator<byte[]> badBytes = RequestInputs.badBytes().generator(100);
    RandomGenerator<RecordHeaders> headers = headers().generator(100);
    RandomGenerator<byte[]> keys =
        Arbitraries.bytes().array(byte[].class).ofMaxSize(40).injectNull(0.3).generator(100);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (byte[] big : nearLimit()) {
      records.add(new ProducerRecord<>(topic, null, (byte[]) null, big, new RecordHeaders()));
    }
    RecordHeaders bigHeader = new RecordHeaders();
    bigHeader.add("big", new byte[NEAR_LIMIT]);
    records.add(
        new ProducerRecord<>(
            topic,
            null,
            (byte[]) null,
            "{\"request_id\":\"big-header\",\"extract\":{\"url\":\"https://a.io/h\"}}".getBytes(),
            bigHeader));
    ids.add("big-header");
    while (records.size() < RECORDS) {
      int i = records.size();
      int kind = random.nextInt(20);
      byte[] value;
      if (kind < 9) {
        value = RequestInputs.bytes(unique(requestLike.next(random).value(), i, parser));
      } else if (kind < 16) {
        value = badBytes.next(random).value();
      } else if (kind < 19) {
        value = RequestInputs.bytes(unique(valid.next(random).value(), i, parser));
      } else {
        value = null;
      }
      ParseResult result = parser.parse(topic, 0, -1 - i, value);
      String id = idOf(result);
      if (!id.equals(RequestParser.derivedId(topic, 0, -1 - i)) && !ids.add(id)) {
        continue; // a repeated id is a duplicate by design: dropped while the first is pending
      }
      records.add(
          new ProducerRecord<>(
              topic, null, keys.next(random).value(), value, headers.next(random).value()));
    }
    return records;
  }

  /** Ids made distinct, and any callback URL removed, for requests the worker would accept. */
  private static ObjectNode unique(ObjectNode root, int i, RequestParser parser) {
    if (parser.parse("t", 0, 0, RequestInputs.bytes(root)) instanceof ParseResult.Valid) {
      if (root.hasNonNull("request_id")) {
        root.put("request_id", "fz-" + i);
      }
      for (String kind : List.of("extract", "agent")) {
        if (root.get(kind) instanceof ObjectNode body) {
          body.remove("callback_url");
          body.put("x_fuzz_seq", i);
          if (body.get("params") instanceof ObjectNode params) {
            params.remove("callback_url");
          }
        }
      }
    }
    return root;
  }

  private static List<byte[]> nearLimit() {
    byte[] notUtf8 = new byte[NEAR_LIMIT];
    Arrays.fill(notUtf8, (byte) 0xC3);
    String metadata = "{\"metadata\":\"" + "m".repeat(NEAR_LIMIT) + "\",\"extract\":{}}";
    String array = "[" + "1,".repeat(NEAR_LIMIT / 2) + "1]";
    String truncated = "{\"extract\":{\"url\":\"https://a.io\",\"x\":\"" + "t".repeat(NEAR_LIMIT);
    return List.of(
        notUtf8,
        metadata.getBytes(StandardCharsets.UTF_8),
        array.getBytes(StandardCharsets.UTF_8),
        truncated.getBytes(StandardCharsets.UTF_8));
  }

  private static Arbitrary<RecordHeaders> headers() {
    Arbitrary<byte[]> values =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
            Tuple.of(1, Arbitraries.just(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, (byte) 0xC0})),
            Tuple.of(1, Arbitraries.just((byte[]) null)));
    // any key Kafka can carry: the broker refuses a key with a lone surrogate (not UTF-8)
    Arbitrary<String> keys =
        RequestInputs.anyText(12)
            .filter(k -> k.chars().noneMatch(c -> Character.isSurrogate((char) c)));
    return Arbitraries.entries(keys, values)
        .list()
        .ofMaxSize(4)
        .map(
            entries -> {
              RecordHeaders headers = new RecordHeaders();
              entries.forEach(e -> headers.add(e.getKey(), e.getValue()));
              return headers;
            });
  }

  private static String idOf(ParseResult result) {
    return result instanceof ParseResult.Valid valid
        ? valid.request().requestId()
        : ((ParseResult.Invalid) result).error().requestId();
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
    Map<String, Object> props = new HashMap<>(broker.producerProperties());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576);
    return new KafkaProducer<>(props);
  }

  private static List<RecordMetadata> send(
      KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records)
      throws Exception {
    List<Future<RecordMetadata>> futures = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> record : records) {
      futures.add(producer.send(record));
    }
    List<RecordMetadata> sent = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      try {
        sent.add(futures.get(i).get(30, TimeUnit.SECONDS));
      } catch (java.util.concurrent.ExecutionException e) {
        ProducerRecord<byte[], byte[]> record = records.get(i);
        throw new IllegalStateException(
            "record "
                + i
                + " refused (value "
                + (record.value() == null ? "null" : record.value().length + " bytes")
                + ", headers "
                + Arrays.toString(record.headers().toArray())
                + ")",
            e);
      }
    }
    return sent;
  }

  /**
   * Waits for {@code count} outcomes in all; fails at once if the worker dies, and says what Nimble
   * saw.
   */
  private static List<WorkerHarness.Outcome> outcomes(
      WorkerHarness harness, Worker worker, NimbleSimulator sim, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        harness.awaitOutcomes(count, Duration.ofSeconds(1), Duration.ZERO);
        return harness.awaitOutcomes(count, Duration.ofSeconds(1), Duration.ofSeconds(1));
      } catch (AssertionError e) {
        if (!worker.status().live() || System.nanoTime() > deadline) {
          throw new AssertionError(
              e.getMessage()
                  + " (waited up to "
                  + timeout
                  + "); worker live: "
                  + worker.status().live()
                  + ", Nimble tasks created: "
                  + sim.stats().tasksCreated()
                  + ", seed "
                  + SEED,
              e);
        }
      }
    }
  }
}
