package dev.nimblekafka.worker;

import dev.nimblekafka.publish.Output;
import dev.nimblekafka.publish.OutputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * An output in memory, with transactions: records sent go into the open unit of work, which a
 * commit makes visible (or a failed commit, scripted by the test, throws away).
 */
final class RecordingOutput implements Output {
  private final List<ProducerRecord<byte[], byte[]>> open = new ArrayList<>();
  private final List<ProducerRecord<byte[], byte[]>> committed = new ArrayList<>();
  private final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();
  private final boolean transactional;
  private OutputException commitFails;
  private int failing;
  private boolean dropValues;

  /** An output with transactions, as exactly-once has. */
  RecordingOutput() {
    this(true);
  }

  /**
   * @param transactional false for an output like at-least-once's: a record sent is out
   */
  RecordingOutput(boolean transactional) {
    this.transactional = transactional;
  }

  @Override
  public boolean transactional() {
    return transactional;
  }

  /**
   * Keeps records without their values from now on (a tombstone stays null): for tests of many
   * large requests, which only count what was written.
   */
  void dropValues() {
    dropValues = true;
  }

  /** The next commit throws this, and its unit of work is lost. */
  void failNextCommit(OutputException error) {
    failCommits(1, error);
  }

  /** The next {@code count} commits throw this, each losing its unit of work. */
  void failCommits(int count, OutputException error) {
    commitFails = error;
    failing = count;
  }

  /** Records of committed units, in order. */
  List<ProducerRecord<byte[], byte[]>> committed() {
    return committed;
  }

  /** Committed records on one topic. */
  List<ProducerRecord<byte[], byte[]>> committed(String topic) {
    return committed.stream().filter(r -> r.topic().equals(topic)).toList();
  }

  /** Records sent since the last commit. */
  List<ProducerRecord<byte[], byte[]>> open() {
    return open;
  }

  /** The offsets of each commit that succeeded, in order. */
  List<Map<TopicPartition, OffsetAndMetadata>> commits() {
    return commits;
  }

  @Override
  public void send(ProducerRecord<byte[], byte[]> record) {
    if (dropValues && record.value() != null) {
      record =
          new ProducerRecord<>(
              record.topic(), record.partition(), record.key(), new byte[0], record.headers());
    }
    open.add(record);
  }

  @Override
  public boolean dirty() {
    return !open.isEmpty();
  }

  @Override
  public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    if (failing > 0) {
      failing--;
      open.clear();
      throw commitFails;
    }
    committed.addAll(open);
    open.clear();
    commits.add(Map.copyOf(offsets));
  }

  @Override
  public void abort() {
    open.clear();
  }

  @Override
  public void close() {}

  @Override
  public void halt() {}
}
