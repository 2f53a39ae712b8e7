package dev.nimblekafka.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/** The run's own topic, and the checks of what the workers left in Kafka once they stopped. */
final class KafkaChecks {
  /** How much of a leftover state record is kept to show. */
  private static final int STATE_SHOWN = 160;

  private KafkaChecks() {}

  static void createTopic(String bootstrapServers, String topic, int partitions) {
    try (Admin admin = admin(bootstrapServers)) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("creating " + topic, e);
    }
  }

  /** Request ids whose latest state record is not a tombstone, with the task it holds. */
  static Map<String, String> leftoverState(
      String bootstrapServers, String stateTopic, Duration timeout) {
    Map<String, String> latest = new LinkedHashMap<>();
    for (Map.Entry<String, String> r :
        KafkaReads.readToEnd(
            bootstrapServers, List.of(stateTopic), timeout, KafkaChecks::keyAndStart)) {
      if (r.getValue() == null) {
        latest.remove(r.getKey());
      } else {
        latest.put(r.getKey(), r.getValue());
      }
    }
    return latest;
  }

  /** The record's key and the start of its value (null for a tombstone). */
  private static Map.Entry<String, String> keyAndStart(ConsumerRecord<byte[], byte[]> r) {
    String key = new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) {
      return new java.util.AbstractMap.SimpleEntry<>(key, null);
    }
    int length = Math.min(r.value().length, STATE_SHOWN);
    return new java.util.AbstractMap.SimpleEntry<>(
        key, new String(r.value(), 0, length, StandardCharsets.UTF_8));
  }

  /**
   * Partitions of {@code topic} where the group's committed offset is short of the end, by how
   * much.
   */
  static Map<Integer, Long> uncommittedOffsets(
      String bootstrapServers, String group, String topic) {
    Map<Integer, Long> gaps = new TreeMap<>();
    try (Admin admin = admin(bootstrapServers);
        KafkaConsumer<byte[], byte[]> consumer =
            KafkaReads.readCommitted(bootstrapServers, "chaos-offsets")) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(60, TimeUnit.SECONDS);
      List<TopicPartition> parts =
          KafkaReads.partitions(consumer, List.of(topic), Duration.ofSeconds(30));
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
      for (TopicPartition tp : parts) {
        OffsetAndMetadata c = committed.get(tp);
        long gap = end.get(tp) - (c == null ? 0 : c.offset());
        if (gap > 0) {
          gaps.put(tp.partition(), gap);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("reading the committed offsets of group " + group, e);
    }
    return gaps;
  }

  /**
   * Sets a topic's config {@code name} to {@code value}; null removes it (the broker's default).
   */
  static void setTopicConfig(String bootstrapServers, String topic, String name, String value) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    AlterConfigOp op =
        value == null
            ? new AlterConfigOp(new ConfigEntry(name, ""), AlterConfigOp.OpType.DELETE)
            : new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    try (Admin admin = admin(bootstrapServers)) {
      admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("setting " + name + " of " + topic, e);
    }
  }

  private static Admin admin(String bootstrapServers) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }
}
