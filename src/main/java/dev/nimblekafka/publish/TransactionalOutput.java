package dev.nimblekafka.publish;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once: each commit is one Kafka transaction holding the outcome records, the state records
 * and the request offsets ({@code sendOffsetsToTransaction} with the consumer's group metadata, so
 * a zombie that lost the partitions cannot commit).
 */
public final class TransactionalOutput extends ProducerOutput {
  private static final Logger log = LoggerFactory.getLogger(TransactionalOutput.class);

  private boolean inTransaction;
  private boolean dirty;

  public TransactionalOutput(Producer<byte[], byte[]> producer, CommitTimer timer) {
    super(producer, timer);
    producer.initTransactions();
  }

  /**
   * Adds a record. A send that fails (at once or later) never throws here: it fails the next
   * commit, which aborts the whole unit of work so the loop replays it from the last commit.
   */
  @Override
  public void send(ProducerRecord<byte[], byte[]> record) {
    if (sendFailed()) {
      return; // the transaction is lost already; the commit will say so
    }
    dirty = true;
    try {
      begin();
    } catch (KafkaException e) {
      keep(e);
      return;
    }
    sendKeepingFailure(record);
  }

  @Override
  public boolean transactional() {
    return true;
  }

  @Override
  public boolean dirty() {
    return dirty;
  }

  @Override
  public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    if (!dirty && offsets.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    boolean committing = false;
    try {
      throwSendFailure();
      begin();
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, group);
      }
      committing = true;
      commitTransaction();
      inTransaction = false;
      dirty = false;
    } catch (TimeoutException e) {
      // the producer refuses any other call until the timed-out one is retried: replace it
      inTransaction = false;
      dirty = false;
      forgetSendFailure();
      if (committing) {
        throw new OutputException("the commit timed out and may have landed", e, true, true);
      }
      throw new OutputException("the transaction timed out before its commit", e, true);
    } catch (ProducerFencedException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException
        | InvalidProducerEpochException e) {
      inTransaction = false;
      dirty = false;
      throw new OutputException("transaction failed and the producer is unusable", e, true);
    } catch (KafkaException e) {
      boolean aborted = tryAbort();
      throw new OutputException("transaction aborted: " + e.getMessage(), e, !aborted);
    } finally {
      timer.record(Duration.ofNanos(System.nanoTime() - started));
    }
  }

  @Override
  public void abort() {
    tryAbort();
  }

  /**
   * Aborts the open transaction; returns false when the producer refused (it must then be replaced:
   * the transaction ends when a new producer of the same id starts).
   */
  private boolean tryAbort() {
    boolean aborted = true;
    if (inTransaction) {
      try {
        producer.abortTransaction();
      } catch (KafkaException | IllegalStateException e) {
        aborted = false;
        log.warn("Aborting the transaction failed: {}", e.toString());
      }
    }
    inTransaction = false;
    dirty = false;
    forgetSendFailure();
    return aborted;
  }

  /** Commits; a commit that timed out is asked for once more, as the producer requires. */
  private void commitTransaction() {
    try {
      producer.commitTransaction();
    } catch (TimeoutException first) {
      log.warn("Committing the transaction timed out; asking once more");
      producer.commitTransaction();
    }
  }

  private void begin() {
    if (!inTransaction) {
      producer.beginTransaction();
      inTransaction = true;
    }
  }
}
