package dev.nimblekafka.publish;

import java.time.Duration;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * What both outputs share: a producer whose sends never throw on the loop's thread. A send that
 * fails, at once or later in its callback, is kept and fails the next commit instead.
 */
abstract class ProducerOutput implements Output {
  protected final Producer<byte[], byte[]> producer;
  protected final CommitTimer timer;
  private volatile KafkaException sendFailure;

  ProducerOutput(Producer<byte[], byte[]> producer, CommitTimer timer) {
    this.producer = producer;
    this.timer = timer;
  }

  /** Sends, keeping the first failure; true when the record was handed to the producer. */
  protected final boolean sendKeepingFailure(ProducerRecord<byte[], byte[]> record) {
    try {
      producer.send(
          record,
          (metadata, exception) -> {
            if (exception != null && sendFailure == null) {
              sendFailure =
                  exception instanceof KafkaException k ? k : new KafkaException(exception);
            }
          });
      return true;
    } catch (KafkaException e) {
      keep(e);
      return false;
    }
  }

  /** Keeps a failure met while sending (the first one wins). */
  protected final void keep(KafkaException e) {
    if (sendFailure == null) {
      sendFailure = e;
    }
  }

  protected final boolean sendFailed() {
    return sendFailure != null;
  }

  /** Throws the kept failure, if any, and forgets it. */
  protected final void throwSendFailure() {
    KafkaException failed = sendFailure;
    if (failed != null) {
      sendFailure = null;
      throw failed;
    }
  }

  protected final void forgetSendFailure() {
    sendFailure = null;
  }

  @Override
  public void halt() {
    producer.close(Duration.ZERO);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
