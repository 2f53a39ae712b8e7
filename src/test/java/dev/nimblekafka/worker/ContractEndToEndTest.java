package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.contract.Contracts;
import dev.nimblekafka.sim.DurationDistribution;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a running worker writes to the results, failures and state topics, for every kind of
 * request, matches the published JSON Schemas.
 */
@RealKafka
class ContractEndToEndTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  @Timeout(180)
  void everyRecordTheWorkerWritesMatchesItsSchema(KafkaBroker broker) throws Exception {
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(5_000)
            .taskDuration(
                DurationDistribution.uniform(Duration.ofMillis(50), Duration.ofMillis(500)))
            .failureRate(0.3)
            .build();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness =
            new WorkerHarness(broker, sim, 2, Map.of("TASK_MAX_ATTEMPTS", "2"))) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        values.add(request(i));
      }
      harness.startWorker("contract-1");
      harness.produce(values);
      harness.produceRaw(null, null);
      harness.produceRaw(null, new byte[] {(byte) 0xff, 0x01});
      harness.produceRaw(null, "[1,2]".getBytes(StandardCharsets.UTF_8));

      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(53, Duration.ofSeconds(120), Duration.ofSeconds(1));

      Set<String> seen = new HashSet<>();
      for (WorkerHarness.Outcome outcome : outcomes) {
        boolean result = outcome.topic().equals(harness.results);
        String contract = result ? "result" : "failure";
        assertThat(Contracts.errors(contract, outcome.value()))
            .as("%s %s", contract, outcome.value())
            .isEmpty();
        seen.add(
            result
                ? (outcome.value().has("result") ? "result" : "result_location")
                : outcome.value().path("error").path("code").asText());
      }
      assertThat(seen)
          .contains(
              "result",
              "result_location",
              "NOT_FOUND",
              "INVALID_FIELD",
              "EMPTY_REQUEST",
              "INVALID_ENCODING",
              "INVALID_JSON");
      assertThat(stateValues(broker, harness.state))
          .isNotEmpty()
          .allSatisfy(
              state ->
                  assertThat(Contracts.errors("state", state)).as("state %s", state).isEmpty());
    }
  }

  private static String request(int i) {
    String id = "\"request_id\":\"c-" + i + "\",";
    return switch (i % 5) {
      case 0 ->
          "{"
              + id
              + "\"extract\":{\"url\":\"https://shop.example/"
              + i
              + "\","
              + "\"formats\":[\"markdown\"]},\"metadata\":{\"i\":"
              + i
              + "}}";
      case 1 ->
          "{" + id + "\"agent\":{\"agent\":\"amazon_pdp\",\"params\":{\"asin\":\"B" + i + "\"}}}";
      case 2 ->
          "{"
              + id
              + "\"extract\":{\"url\":\"https://shop.example/s"
              + i
              + "\","
              + "\"storage_type\":\"s3\",\"storage_url\":\"s3://bucket/p/\",\"storage_compress\":true}}";
      case 3 -> "{" + id + "\"agent\":{\"agent\":\"no_such_agent\",\"params\":{\"q\":1}}}";
      default -> "{" + id + "\"extract\":{\"url\":\"ftp://shop.example/" + i + "\"}}";
    };
  }

  /** Every live value on the state topic (tombstones left out), read to its end. */
  private List<JsonNode> stateValues(KafkaBroker broker, String topic) throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<JsonNode> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() != null) {
            values.add(json.readTree(record.value()));
          }
        }
      }
    }
    return values;
  }
}
