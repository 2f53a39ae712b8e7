package dev.nimblekafka.publish;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the consume loop writes: outcome and state records, then a commit that makes them and the
 * request offsets visible together. Used by one thread only.
 */
public interface Output extends AutoCloseable {

  /** Adds a record to the unit of work that the next {@link #commit} completes. */
  void send(ProducerRecord<byte[], byte[]> record);

  /** Whether records were sent since the last commit. */
  boolean dirty();

  /**
   * Makes the records sent since the last commit, and these offsets, durable together.
   *
   * @throws OutputException when they are not; {@link OutputException#fatal()} says whether the
   *     output must be replaced before it is used again
   */
  void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group);

  /**
   * Whether records sent become visible only with the commit (exactly-once). Without transactions,
   * a record sent may be delivered even when the commit then fails.
   */
  default boolean transactional() {
    return false;
  }

  /** Drops the records sent since the last commit (exactly-once only; best effort otherwise). */
  void abort();

  @Override
  void close();

  /** Closes without flushing or finishing anything, as a crash would. */
  void halt();
}
