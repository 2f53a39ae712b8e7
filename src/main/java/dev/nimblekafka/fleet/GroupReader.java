package dev.nimblekafka.fleet;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Reads the consumer group as it stands: its members with their partitions, and its offsets. */
interface GroupReader extends AutoCloseable {
  /** The group's members and its committed offsets, as read together. */
  record Snapshot(
      Collection<MemberDescription> members, Map<TopicPartition, OffsetAndMetadata> offsets) {}

  /** Reads the group now; throws when it cannot (no Describe on the group, brokers away). */
  Snapshot read() throws Exception;

  @Override
  void close();

  /** The group {@code groupId} through the Kafka admin client, each call waiting at most 5 s. */
  static GroupReader of(Admin admin, String groupId) {
    Duration timeout = Duration.ofSeconds(5);
    return new GroupReader() {
      @Override
      public Snapshot read() throws Exception {
        Collection<MemberDescription> members =
            admin
                .describeConsumerGroups(List.of(groupId))
                .describedGroups()
                .get(groupId)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .members();
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin
                .listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new Snapshot(members, offsets);
      }

      @Override
      public void close() {
        admin.close(Duration.ofSeconds(2));
      }
    };
  }
}
