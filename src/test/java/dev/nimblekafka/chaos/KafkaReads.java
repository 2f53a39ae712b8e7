package dev.nimblekafka.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/** Group-less read_committed readers of whole topics. */
final class KafkaReads {
  private KafkaReads() {}

  static KafkaConsumer<byte[], byte[]> readCommitted(String bootstrapServers, String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(props);
  }

  /** Every partition of the topics, waiting until each topic exists. */
  static List<TopicPartition> partitions(
      KafkaConsumer<?, ?> consumer, List<String> topics, Duration timeout) {
    List<TopicPartition> all = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = new ArrayList<>();
      Awaitility.await("topic " + topic)
          .atMost(timeout)
          .pollInSameThread()
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(
              () -> {
                infos.clear();
                infos.addAll(consumer.partitionsFor(topic, Duration.ofSeconds(5)));
                return !infos.isEmpty();
              });
      infos.forEach(p -> all.add(new TopicPartition(topic, p.partition())));
    }
    return all;
  }

  /**
   * Reads the topics from the beginning to their end as it is now (the last stable offset: every
   * transaction before it is decided), in order per partition; each record is turned into what
   * {@code map} makes of it as it is read, so that large records are not all held at once.
   */
  static <T> List<T> readToEnd(
      String bootstrapServers,
      List<String> topics,
      Duration timeout,
      Function<ConsumerRecord<byte[], byte[]>, T> map) {
    try (KafkaConsumer<byte[], byte[]> consumer = readCommitted(bootstrapServers, "chaos-audit")) {
      List<TopicPartition> parts = partitions(consumer, topics, timeout);
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
      List<T> records = new ArrayList<>();
      Awaitility.await("reading " + topics + " to offsets " + end)
          .atMost(timeout)
          .pollInSameThread()
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> records.add(map.apply(r)));
                return parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
              });
      return records;
    }
  }
}
