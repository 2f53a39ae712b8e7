package dev.nimblekafka.cli;

import dev.nimblekafka.config.ClientSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The Kafka consumer the tools read with, and the topics that are not there (yet). */
final class Clients {
  /** How long a call may take when the user set no {@code KAFKA_DEFAULT_API_TIMEOUT_MS}. */
  static final Duration API_TIMEOUT = Duration.ofSeconds(30);

  private Clients() {}

  /** A consumer without a group that reads committed records only; {@code extra} on top. */
  static KafkaConsumer<byte[], byte[]> consumer(
      ClientSettings settings, Map<String, Object> extra) {
    Map<String, Object> props = settings.properties(ConsumerConfig.configNames());
    props.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.putAll(extra);
    return new KafkaConsumer<>(props);
  }

  /**
   * Which of {@code topics} do not exist. Throws Kafka's TimeoutException when the broker does not
   * answer within {@code default.api.timeout.ms}.
   */
  static List<String> missing(Consumer<?, ?> consumer, Collection<String> topics) {
    List<String> missing = new ArrayList<>();
    for (String topic : topics) {
      if (consumer.partitionsFor(topic).isEmpty()) {
        missing.add(topic);
      }
    }
    return missing;
  }
}
