package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SpecificationVersion;
import dev.nimblekafka.contract.Contracts;
import dev.nimblekafka.sim.DurationDistribution;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import dev.nimblekafka.testkit.SchemaRegistryStub;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker in a Schema Registry shop, on a real broker: requests framed as a Schema Registry JSON
 * serializer frames them (magic byte 0, 4-byte big-endian schema id, JSON; written here by hand
 * after the documented wire format) are processed next to plain ones, and with a registry set every
 * outcome is framed with the id of its registered schema and carries CloudEvents headers. The
 * outcomes are read as a JSON Schema deserializer reads them: the id from the frame, the schema by
 * that id from the registry, the JSON after the frame validated against it. The registry is a test
 * server that follows the registry's documented REST API.
 */
@RealKafka
class SchemaRegistryEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER_INFO = "worker:sr-secret";

  private static byte[] framed(int schemaId, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
  }

  @Test
  @Timeout(120)
  void framedRequestsAreProcessedAndTheOutcomesReadWithTheirRegisteredSchemas(KafkaBroker broker)
      throws Exception {
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(5_000)
            .taskDuration(
                DurationDistribution.uniform(Duration.ofMillis(50), Duration.ofMillis(200)))
            .failureRate(0)
            .build();
    try (SchemaRegistryStub registry = SchemaRegistryStub.withUser(USER_INFO);
        NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness =
            new WorkerHarness(
                broker,
                sim,
                2,
                Map.of(
                    "SCHEMA_REGISTRY_URL",
                    registry.url().toString(),
                    "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO",
                    USER_INFO,
                    "CLOUDEVENTS",
                    "binary"))) {
      // the producer's serializer registered the request schema and frames with its id
      int requestSchema =
          registry.register(harness.requests + "-value", Contracts.document("request").toString());
      harness.startWorker("sr-1");
      harness.produceRaw(
          "framed".getBytes(StandardCharsets.UTF_8),
          framed(
              requestSchema,
              "{\"request_id\":\"framed\",\"extract\":{\"url\":\"https://shop.example/1\"}}"));
      harness.produceRaw(
          "plain".getBytes(StandardCharsets.UTF_8),
          "{\"request_id\":\"plain\",\"extract\":{\"url\":\"https://shop.example/2\"}}"
              .getBytes(StandardCharsets.UTF_8));
      harness.produceRaw(
          "invalid".getBytes(StandardCharsets.UTF_8),
          framed(requestSchema, "{\"request_id\":\"invalid\",\"extract\":{}}"));
      harness.produceRaw("short".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 1});

      Map<String, ConsumerRecord<byte[], byte[]>> outcomes = read(broker, harness, 4);

      for (ConsumerRecord<byte[], byte[]> record : outcomes.values()) {
        byte[] value = record.value();
        assertThat(value[0]).as("the magic byte").isZero();
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        JsonNode registered = registry.schema(id);
        assertThat(registered).as("schema " + id + " is at the registry").isNotNull();
        assertThat(registered.get("schemaType").asText()).isEqualTo("JSON");
        Schema schema =
            com.networknt.schema.SchemaRegistry.withDefaultDialect(
                    SpecificationVersion.DRAFT_2020_12)
                .getSchema(registered.get("schema").asText());
        JsonNode data = JSON.readTree(Arrays.copyOfRange(value, 5, value.length));
        assertThat(schema.validate(data)).as(data.toString()).isEmpty();
        String kind = record.topic().equals(harness.results) ? "result" : "failure";
        assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(record, "ce_id")).isEqualTo(data.get("request_id").asText() + "/" + kind);
        assertThat(header(record, "ce_type")).isEqualTo("dev.nimblekafka." + kind);
        assertThat(header(record, "content-type")).isEqualTo("application/json");
      }
      assertThat(outcomes.get("framed").topic()).isEqualTo(harness.results);
      assertThat(outcomes.get("plain").topic()).isEqualTo(harness.results);
      assertThat(outcomes.get("invalid").topic()).isEqualTo(harness.failures);
      assertThat(payload(outcomes.get("invalid")).at("/error/code").asText())
          .isEqualTo("MISSING_FIELD");
      assertThat(payload(outcomes.get("short")).at("/error/code").asText())
          .isEqualTo("INVALID_ENCODING");
      assertThat(payload(outcomes.get("short")).at("/error/message").asText())
          .contains("Schema Registry");
      assertThat(registry.registrations())
          .extracting(SchemaRegistryStub.Registration::subject)
          .contains(harness.results + "-value", harness.failures + "-value");
    }
  }

  private static JsonNode payload(ConsumerRecord<byte[], byte[]> record) throws Exception {
    return JSON.readTree(Arrays.copyOfRange(record.value(), 5, record.value().length));
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** The committed outcomes, by record key, once {@code count} arrived. */
  private static Map<String, ConsumerRecord<byte[], byte[]>> read(
      KafkaBroker broker, WorkerHarness harness, int count) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      for (String topic : List.of(harness.results, harness.failures)) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !consumer.partitionsFor(topic, Duration.ofSeconds(5)).isEmpty());
      }
      List<TopicPartition> parts = new java.util.ArrayList<>();
      for (String topic : List.of(harness.results, harness.failures)) {
        consumer
            .partitionsFor(topic, Duration.ofSeconds(30))
            .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Awaitility.await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  byKey.put(new String(record.key(), StandardCharsets.UTF_8), record);
                }
                return byKey.size() >= count;
              });
    }
    return byKey;
  }
}
