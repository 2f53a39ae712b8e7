package dev.nimblekafka.publish;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * At-least-once: records are flushed before the offsets are committed, so a crash can repeat an
 * outcome but never lose one. No transactions, so readers need not use read_committed.
 */
public final class AtLeastOnceOutput extends ProducerOutput {
  private final Consumer<Map<TopicPartition, OffsetAndMetadata>> offsetCommitter;
  private boolean dirty;

  public AtLeastOnceOutput(
      Producer<byte[], byte[]> producer,
      Consumer<Map<TopicPartition, OffsetAndMetadata>> offsetCommitter,
      CommitTimer timer) {
    super(producer, timer);
    this.offsetCommitter = offsetCommitter;
  }

  @Override
  public void send(ProducerRecord<byte[], byte[]> record) {
    dirty = true;
    sendKeepingFailure(record);
  }

  @Override
  public boolean dirty() {
    return dirty;
  }

  @Override
  public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    long started = System.nanoTime();
    try {
      producer.flush();
      throwSendFailure();
      if (!offsets.isEmpty()) {
        offsetCommitter.accept(offsets);
      }
      dirty = false;
    } catch (KafkaException e) {
      dirty = false;
      throw new OutputException("commit failed: " + e.getMessage(), e, false);
    } finally {
      timer.record(Duration.ofNanos(System.nanoTime() - started));
    }
  }

  @Override
  public void abort() {
    dirty = false;
    forgetSendFailure();
  }
}
