package dev.nimblekafka.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.config.ClientSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads outcomes (results and failures, read_committed) from the offsets the topics had when it was
 * made, so a command sees only outcomes of what it submitted afterwards.
 */
final class OutcomeReader implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One outcome as read. */
  record Outcome(String topic, String requestId, String json, JsonNode value) {
    boolean failed() {
      return value.has("error");
    }
  }

  record Summary(int results, int failures) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String resultsTopic;

  private OutcomeReader(KafkaConsumer<byte[], byte[]> consumer, String resultsTopic) {
    this.consumer = consumer;
    this.resultsTopic = resultsTopic;
  }

  static OutcomeReader fromNow(ClientSettings settings) {
    return at(settings, false);
  }

  static OutcomeReader fromBeginning(ClientSettings settings) {
    return at(settings, true);
  }

  private static OutcomeReader at(ClientSettings settings, boolean beginning) {
    Map<String, Object> props = settings.properties(ConsumerConfig.configNames());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(settings.topics().results(), settings.topics().failures())) {
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    if (beginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // fix the start now, before anything is submitted
    }
    return new OutcomeReader(consumer, settings.topics().results());
  }

  /** Hands every outcome to {@code sink} until {@code stop} says so; returns how many were read. */
  void follow(Consumer<Outcome> sink, java.util.function.BooleanSupplier stop) {
    while (!stop.getAsBoolean()) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        Outcome outcome = parse(record);
        if (outcome != null) {
          sink.accept(outcome);
        }
      }
    }
  }

  /** Reads until every id in {@code ids} has an outcome, or the timeout passes. */
  Summary collect(Set<String> ids, Duration timeout, Consumer<Outcome> sink) {
    Set<String> waiting = new HashSet<>(ids);
    int[] counts = new int[2];
    long deadline = System.nanoTime() + timeout.toNanos();
    follow(
        outcome -> {
          if (waiting.remove(outcome.requestId())) {
            counts[outcome.topic().equals(resultsTopic) ? 0 : 1]++;
            sink.accept(outcome);
          }
        },
        () -> waiting.isEmpty() || System.nanoTime() > deadline);
    return new Summary(counts[0], counts[1]);
  }

  private static Outcome parse(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return null;
    }
    try {
      String text = new String(record.value(), StandardCharsets.UTF_8);
      JsonNode value = JSON.readTree(text);
      String id =
          value.path("request_id").isTextual()
              ? value.path("request_id").asText()
              : record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
      return new Outcome(record.topic(), id, text, value);
    } catch (IOException notJson) {
      return null;
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
