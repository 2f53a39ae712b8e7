package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.config.WorkerConfig;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.testkit.KafkaBroker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A worker test bench: unique topics and group on the shared broker, a simulator, workers built
 * from the same environment a pod would get, a producer of requests and a read_committed reader of
 * outcomes.
 */
final class WorkerHarness implements AutoCloseable {
  static final String API_KEY = "sk-harness-4f1c9a";
  private static final ObjectMapper JSON = new ObjectMapper();

  final KafkaBroker broker;
  final NimbleSimulator sim;
  final String requests;
  final String results;
  final String failures;
  final String state;
  final String group;
  private final Map<String, String> environment = new HashMap<>();
  private final List<Worker> workers = new ArrayList<>();
  private final Map<Worker, MeterRegistry> meters = new HashMap<>();
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> reader;
  private final List<Outcome> outcomes = new ArrayList<>();

  /** One outcome record as read. */
  record Outcome(String topic, String key, JsonNode value, ConsumerRecord<byte[], byte[]> record) {
    String requestId() {
      return value.path("request_id").asText();
    }

    String header(String name) {
      var header = record.headers().lastHeader(name);
      return header == null ? null : new String(header.value());
    }
  }

  WorkerHarness(KafkaBroker broker, NimbleSimulator sim, int partitions, Map<String, String> env) {
    this.broker = broker;
    this.sim = sim;
    String prefix = broker.uniqueName("w");
    this.requests = broker.createTopic(prefix + ".requests", partitions);
    this.results = prefix + ".results";
    this.failures = prefix + ".failures";
    this.state = prefix + ".state";
    this.group = prefix + "-group";
    environment.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    environment.put("NIMBLE_BASE_URL", sim.baseUrl());
    environment.put("NIMBLE_API_KEY", API_KEY);
    environment.put("REQUESTS_TOPIC", requests);
    environment.put("RESULTS_TOPIC", results);
    environment.put("FAILURES_TOPIC", failures);
    environment.put("STATE_TOPIC", state);
    environment.put("CALLBACKS_TOPIC", prefix + ".callbacks");
    environment.put("USAGE_TOPIC", prefix + ".usage");
    environment.put("WORKER_GROUP_ID", group);
    environment.put("NIMBLE_QPS", "2000");
    // the simulators these tests start are not the plan's limit: MAX_PENDING_TASKS is
    environment.put("NIMBLE_PLAN_TASKS", "10000");
    environment.put("TASK_EXPECTED_DURATION", "300ms");
    environment.put("POLL_MIN_INTERVAL", "100ms");
    environment.put("POLL_MAX_INTERVAL", "1s");
    environment.put("NIMBLE_BACKOFF_INITIAL", "100ms");
    environment.put("NIMBLE_BACKOFF_MAX", "1s");
    environment.put("CIRCUIT_OPEN_WAIT", "1s");
    environment.put("ACCESS_RECHECK_INTERVAL", "500ms");
    environment.put("SHUTDOWN_GRACE_PERIOD", "5s");
    environment.put("HTTP_PORT", "0");
    environment.put("ADMIN_PORT", "0");
    environment.put("KAFKA_SESSION_TIMEOUT_MS", "10000");
    environment.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
    environment.putAll(env);
    Map<String, Object> producerProps = new HashMap<>(broker.producerProperties());
    producerProps.put("key.serializer", ByteArraySerializer.class.getName());
    producerProps.put("value.serializer", ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(producerProps);
    Map<String, Object> readerProps = new HashMap<>();
    readerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    readerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    readerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    readerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    readerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    this.reader = new KafkaConsumer<>(readerProps);
  }

  WorkerConfig config(String instance) {
    return ConfigLoader.load(environment(instance), Optional.empty());
  }

  /** The environment a worker pod with this instance id would get. */
  Map<String, String> environment(String instance) {
    Map<String, String> env = new HashMap<>(environment);
    env.put("WORKER_INSTANCE_ID", instance);
    return env;
  }

  Worker startWorker(String instance) {
    return startWorker(instance, Map.of());
  }

  /** Starts an in-process worker with extra settings; its meters are in {@link #meters}. */
  Worker startWorker(String instance, Map<String, String> extra) {
    return startWorker(instance, extra, new SimpleMeterRegistry());
  }

  Worker startWorker(String instance, Map<String, String> extra, MeterRegistry registry) {
    Map<String, String> env = environment(instance);
    env.putAll(extra);
    Worker worker;
    try {
      worker = new Worker(ConfigLoader.load(env, Optional.empty()), registry, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    meters.put(worker, registry);
    workers.add(worker);
    return worker.start();
  }

  MeterRegistry meters(Worker worker) {
    return meters.get(worker);
  }

  /** GETs a path of a worker's admin port (health, metrics): status code and body. */
  static Map.Entry<Integer, String> get(Worker worker, String path) {
    try {
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + worker.adminPort() + path))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      return Map.entry(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A port nothing listens on now. */
  static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Produces values keyed by their request id (or null), in order, and waits for the acks. */
  void produce(List<String> values) {
    produce(values, value -> List.of());
  }

  /** As {@link #produce(List)}, each record with the headers made from its value. */
  void produce(
      List<String> values,
      java.util.function.Function<String, Iterable<org.apache.kafka.common.header.Header>>
          headers) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (String value : values) {
      String id = requestIdOf(value);
      sent.add(
          producer.send(
              new ProducerRecord<>(
                  requests,
                  null,
                  id == null ? null : id.getBytes(),
                  value.getBytes(),
                  headers.apply(value))));
    }
    for (Future<RecordMetadata> future : sent) {
      try {
        future.get(30, TimeUnit.SECONDS);
      } catch (InterruptedException | ExecutionException | TimeoutException e) {
        throw new IllegalStateException("producing requests failed", e);
      }
    }
  }

  /**
   * Produces values all with one record key, so into one partition, in order, and waits for the
   * acks; returns that partition.
   */
  int produceToOnePartition(String key, List<String> values) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (String value : values) {
      sent.add(producer.send(new ProducerRecord<>(requests, key.getBytes(), value.getBytes())));
    }
    int partition = -1;
    for (Future<RecordMetadata> future : sent) {
      try {
        partition = future.get(30, TimeUnit.SECONDS).partition();
      } catch (InterruptedException | ExecutionException | TimeoutException e) {
        throw new IllegalStateException("producing requests failed", e);
      }
    }
    return partition;
  }

  void produceRaw(byte[] key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(requests, key, value)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads outcomes (read_committed) until at least {@code count} arrived, then keeps reading for
   * {@code quiet} to catch any duplicate; fails after {@code timeout}.
   */
  List<Outcome> awaitOutcomes(int count, Duration timeout, Duration quiet) {
    assignReader();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (outcomes.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "received " + outcomes.size() + " of " + count + " outcomes within " + timeout);
      }
      poll();
    }
    long quietEnd = System.nanoTime() + quiet.toNanos();
    while (System.nanoTime() < quietEnd) {
      poll();
    }
    return List.copyOf(outcomes);
  }

  /** Reads what outcomes have arrived (one poll of at most 100 ms); returns every one read yet. */
  List<Outcome> pollOutcomes() {
    assignReader();
    poll();
    return List.copyOf(outcomes);
  }

  private void assignReader() {
    if (reader.assignment().isEmpty()) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : List.of(results, failures)) {
        // the worker creates these topics at start; it may run in another process
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !reader.partitionsFor(topic, Duration.ofSeconds(5)).isEmpty());
        reader
            .partitionsFor(topic, Duration.ofSeconds(30))
            .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      }
      reader.assign(parts);
      reader.seekToBeginning(parts);
    }
  }

  private void poll() {
    for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(100))) {
      try {
        outcomes.add(
            new Outcome(
                record.topic(),
                record.key() == null ? null : new String(record.key()),
                // as text: Jackson's byte parser refuses an escaped lone surrogate in a name,
                // which a failure quoting such a request carries
                JSON.readTree(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8)),
                record));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** {@code n} valid extract requests with ids {@code <prefix>-<i>} and distinct URLs. */
  static List<String> extractRequests(String prefix, int n) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      values.add(
          "{\"request_id\":\"%s-%d\",\"extract\":{\"url\":\"https://site.example/%s/%d\"},\"metadata\":{\"i\":%d}}"
              .formatted(prefix, i, prefix, i, i));
    }
    return values;
  }

  /** Asserts every id has exactly one outcome, and no other outcome exists. */
  static Map<String, Outcome> exactlyOnce(
      List<Outcome> outcomes, java.util.Collection<String> ids) {
    Map<String, Outcome> byId = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      if (byId.put(outcome.requestId(), outcome) != null) {
        duplicates.add(outcome.requestId());
      }
    }
    org.assertj.core.api.Assertions.assertThat(duplicates).as("duplicate outcomes").isEmpty();
    org.assertj.core.api.Assertions.assertThat(byId.keySet())
        .as("one outcome per request")
        .containsExactlyInAnyOrderElementsOf(ids);
    return byId;
  }

  private static String requestIdOf(String value) {
    try {
      JsonNode node = JSON.readTree(value);
      return node != null && node.path("request_id").isTextual()
          ? node.path("request_id").asText()
          : null;
    } catch (IOException notJson) {
      return null;
    }
  }

  @Override
  public void close() {
    for (Worker worker : workers) {
      worker.close();
    }
    producer.close(Duration.ofSeconds(5));
    reader.close(Duration.ofSeconds(5));
  }
}
