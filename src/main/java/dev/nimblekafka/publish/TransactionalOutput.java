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
    try {
      throwSendFailure();
      begin();
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, group);
      }
      producer.commitTransaction();
      inTransaction = false;
      dirty = false;
    } catch (ProducerFencedException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException
        | InvalidProducerEpochException e) {
      inTransaction = false;
      dirty = false;
      throw new OutputException("transaction failed and the producer is unusable", e, true);
    } catch (KafkaException e) {
      abort();
      throw new OutputException("transaction aborted: " + e.getMessage(), e, false);
    } finally {
      timer.record(Duration.ofNanos(System.nanoTime() - started));
    }
  }

  @Override
  public void abort() {
    if (inTransaction) {
      try {
        producer.abortTransaction();
      } catch (KafkaException e) {
        log.warn("Aborting the transaction failed: {}", e.toString());
      }
    }
    inTransaction = false;
    dirty = false;
    forgetSendFailure();
  }

  private void begin() {
    if (!inTransaction) {
      producer.beginTransaction();
      inTransaction = true;
    }
  }
}
