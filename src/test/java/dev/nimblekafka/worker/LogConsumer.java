package dev.nimblekafka.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's mock consumer over a log it keeps, as a broker would: each poll serves every assigned,
 * unpaused partition from its position, at most {@code window} records of each, so a seek back
 * reads the same records again.
 */
final class LogConsumer extends MockConsumer<byte[], byte[]> {
  private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> log = new HashMap<>();
  private final int window;

  LogConsumer(int window) {
    super("earliest");
    this.window = window;
  }

  /** Appends a record (a null value is a tombstone); returns its offset. */
  synchronized long append(TopicPartition tp, byte[] key, byte[] value) {
    List<ConsumerRecord<byte[], byte[]>> records = log.computeIfAbsent(tp, p -> new ArrayList<>());
    long offset = records.size();
    records.add(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, key, value));
    updateBeginningOffsets(Map.of(tp, 0L));
    updateEndOffsets(Map.of(tp, offset + 1));
    return offset;
  }

  /** A partition never written to is empty, as on a broker. */
  @Override
  public synchronized Map<TopicPartition, Long> endOffsets(
      java.util.Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      if (!log.containsKey(tp)) {
        updateEndOffsets(Map.of(tp, 0L));
      }
    }
    return super.endOffsets(partitions);
  }

  /** The first record of each partition at or after the time, as a broker finds it. */
  @Override
  public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
      Map<TopicPartition, Long> times) {
    Map<TopicPartition, OffsetAndTimestamp> found = new HashMap<>();
    times.forEach(
        (tp, time) -> {
          OffsetAndTimestamp first = null;
          for (ConsumerRecord<byte[], byte[]> record : log.getOrDefault(tp, List.of())) {
            if (record.timestamp() >= time) {
              first = new OffsetAndTimestamp(record.offset(), record.timestamp());
              break;
            }
          }
          found.put(tp, first);
        });
    return found;
  }

  @Override
  public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    for (TopicPartition tp : assignment()) {
      List<ConsumerRecord<byte[], byte[]>> records = log.get(tp);
      if (records == null || paused().contains(tp)) {
        continue;
      }
      long from = position(tp);
      for (long o = from; o < records.size() && o < from + window; o++) {
        addRecord(records.get((int) o));
      }
    }
    return super.poll(timeout);
  }
}
