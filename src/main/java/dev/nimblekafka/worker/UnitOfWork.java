package dev.nimblekafka.worker;

import dev.nimblekafka.publish.Output;
import dev.nimblekafka.publish.OutputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * The records written since the last commit, by the requests partition they belong to, and the
 * output they go to. A commit that fails loses nothing the worker knows: the records are kept, and
 * {@link #resend} writes those of the partitions still owned into the next transaction, so a
 * request whose task was created is never replayed and created again. Outcome meters move when
 * their record commits. Used by the consume loop's thread only.
 */
final class UnitOfWork {
  /** One record of the unit; {@code onCommit} (may be null) runs once it is committed. */
  private record Entry(int partition, ProducerRecord<byte[], byte[]> record, Runnable onCommit) {}

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(UnitOfWork.class);

  private final Supplier<Output> factory;
  private final List<Entry> entries = new ArrayList<>();
  private long bytes;
  private Output output;

  UnitOfWork(Supplier<Output> factory) {
    this.factory = factory;
  }

  /**
   * Opens the first output (on the loop's thread: a transactional one initialises there). When the
   * broker does not let it open, the unit goes on without one: records are kept, and the next
   * commit opens an output and writes them (or fails, and the loop holds new work meanwhile).
   */
  void open() {
    tryOpen();
  }

  /** Adds a record of a requests partition's work to the open unit. */
  void send(int partition, ProducerRecord<byte[], byte[]> record, Runnable onCommit) {
    entries.add(new Entry(partition, record, onCommit));
    bytes += size(record);
    if (output != null) {
      output.send(record);
    }
  }

  /** Bytes of the records kept for the open unit (keys, values and headers). */
  long bytes() {
    return bytes;
  }

  private static long size(ProducerRecord<byte[], byte[]> record) {
    long size = 64;
    size += record.key() == null ? 0 : record.key().length;
    size += record.value() == null ? 0 : record.value().length;
    for (org.apache.kafka.common.header.Header header : record.headers()) {
      size += header.key().length() + (header.value() == null ? 0 : header.value().length);
    }
    return size;
  }

  boolean dirty() {
    return output == null ? !entries.isEmpty() : output.dirty();
  }

  /** Records kept for the open unit. */
  int size() {
    return entries.size();
  }

  /**
   * Commits the unit with these offsets; on success its meters move.
   *
   * @throws dev.nimblekafka.publish.OutputException when it failed; the records are kept
   */
  void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    if (output == null) {
      try {
        output = factory.get();
      } catch (KafkaException e) {
        throw new OutputException("no output could be opened: " + e.getMessage(), e, false);
      }
      resend();
    }
    output.commit(offsets, group);
    for (Entry entry : entries) {
      if (entry.onCommit() != null) {
        entry.onCommit().run();
      }
    }
    entries.clear();
    bytes = 0;
  }

  /**
   * Throws the open transaction away, keeping its records; {@code replace} closes the output and
   * opens a new one (after a failure that left it unusable). When the new one cannot be opened (the
   * broker does not answer), the unit goes on without one until a commit opens it.
   */
  void abort(boolean replace) {
    if (output == null) {
      return;
    }
    if (!replace) {
      output.abort();
      return;
    }
    try {
      output.close();
    } catch (RuntimeException e) {
      log.warn("Closing the output failed: {}", e.toString());
    }
    output = null;
    tryOpen();
  }

  /** Opens an output once; when it cannot be, there is none until the next commit tries again. */
  private void tryOpen() {
    try {
      output = factory.get(); // a new transactional producer waits for the broker to answer
    } catch (KafkaException e) {
      output = null;
      log.warn("Opening the output failed ({}); the next commit tries again", e.toString());
    }
  }

  /** Writes the kept records again, into the next transaction. */
  void resend() {
    if (output == null) {
      return; // the commit that opens one writes them
    }
    for (Entry entry : entries) {
      output.send(entry.record());
    }
  }

  /**
   * Forgets the records of a partition given away. Records of it already in the open transaction
   * must not commit (the next owner now answers for the partition): the transaction is then aborted
   * and the records of the other partitions are written again.
   */
  void forget(int partition) {
    boolean removed = false;
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (entry.partition() == partition) {
        it.remove();
        bytes -= size(entry.record());
        removed = true;
      }
    }
    if (removed && output != null && output.transactional()) {
      output.abort();
      resend();
    } // without transactions what was sent is out: nothing to take back
  }

  /**
   * Forgets every kept record, and takes back what the open transaction holds of them (the
   * partitions are replayed from the last commit: nothing of this unit may commit).
   */
  void discard() {
    if (output != null) {
      output.abort();
    }
    entries.clear();
    bytes = 0;
  }

  /** Closes the output, if one was opened. */
  void close() {
    if (output != null) {
      output.close();
    }
  }

  /** Closes the output without finishing anything, as a crash would, if one was opened. */
  void halt() {
    if (output != null) {
      output.halt();
    }
  }
}
