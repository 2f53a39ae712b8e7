package dev.nimblekafka.worker;

import dev.nimblekafka.callback.CallbackHint;
import dev.nimblekafka.callback.CallbackRouter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the callback hints other pods forward to this pod's partitions (the callbacks topic has the
 * requests topic's partitions), on the consume loop's thread. Does nothing when callbacks are off.
 */
final class HintFollower {
  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final Set<Integer> owned;
  private final LoopEvent.Handler handler;
  private boolean closed;

  /**
   * @param consumer the hints consumer, or null when callbacks are off
   * @param owned the partitions this pod owns
   */
  HintFollower(
      Consumer<byte[], byte[]> consumer,
      String topic,
      Set<Integer> owned,
      LoopEvent.Handler handler) {
    this.consumer = consumer;
    this.topic = topic;
    this.owned = owned;
    this.handler = handler;
  }

  /** Hands the hints that arrived to the handler. */
  void poll() {
    if (consumer == null || closed || consumer.assignment().isEmpty()) {
      return;
    }
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ZERO)) {
      CallbackHint hint =
          CallbackRouter.decode(record.partition(), record.value(), record.headers());
      if (hint != null) {
        new LoopEvent.Hint(hint).dispatchTo(handler);
      }
    }
  }

  /** Follows the hints of exactly the partitions owned now, new ones from their end. */
  void follow() {
    if (consumer == null || closed) {
      return;
    }
    Set<TopicPartition> wanted = new HashSet<>();
    for (Integer partition : owned) {
      wanted.add(new TopicPartition(topic, partition));
    }
    Set<TopicPartition> added = new HashSet<>(wanted);
    added.removeAll(consumer.assignment());
    consumer.assign(wanted);
    if (!added.isEmpty()) {
      consumer.seekToEnd(added); // older hints are covered by the restore's first checks
    }
  }

  /** Closes the hints consumer; following or polling after that does nothing. */
  void close() {
    if (consumer != null && !closed) {
      closed = true;
      consumer.close(Duration.ofSeconds(1));
    }
  }
}
