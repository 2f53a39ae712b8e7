package dev.nimblekafka.callback;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a hint to the pod that owns its partition: straight to this pod's loop when it owns the
 * partition, otherwise through the callbacks topic, on the same partition number, which the owner
 * reads.
 */
public final class CallbackRouter implements Consumer<CallbackHint> {
  private static final Logger log = LoggerFactory.getLogger(CallbackRouter.class);

  private final Set<Integer> owned;
  private final Consumer<CallbackHint> local;
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final CallbackEndpoint.CallbackCounters counters;

  public CallbackRouter(
      Set<Integer> owned,
      Consumer<CallbackHint> local,
      Producer<byte[], byte[]> producer,
      String topic,
      CallbackEndpoint.CallbackCounters counters) {
    this.counters = counters;
    this.owned = owned;
    this.local = local;
    this.producer = producer;
    this.topic = topic;
  }

  @Override
  public void accept(CallbackHint hint) {
    if (owned.contains(hint.partition())) {
      local.accept(hint);
      return;
    }
    counters.count("forwarded");
    producer.send(
        new ProducerRecord<>(
            topic, hint.partition(), hint.scope().getBytes(StandardCharsets.UTF_8), encode(hint)),
        (meta, e) -> {
          if (e != null) {
            log.warn(
                "Forwarding a callback for partition {} failed: {}",
                hint.partition(),
                e.toString());
          }
        });
  }

  static byte[] encode(CallbackHint hint) {
    return (hint.taskId() + "\n" + hint.scope()).getBytes(StandardCharsets.UTF_8);
  }

  /** Reads a forwarded hint back; null when the record is not one. */
  public static CallbackHint decode(int partition, byte[] value) {
    if (value == null) {
      return null;
    }
    String text = new String(value, StandardCharsets.UTF_8);
    int split = text.indexOf('\n');
    return split <= 0
        ? null
        : new CallbackHint(partition, text.substring(split + 1), text.substring(0, split));
  }
}
