package dev.nimblekafka.callback;

import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Sends a hint to the pods that own its partitions: straight to this pod's loop for those it owns,
 * and through the callbacks topic, on the same partition number, which the owner reads, for each of
 * the others (a batch's URL names every partition of its requests, which are usually one pod's: the
 * pod that created it). Neither way waits: the topic is written by a {@link HintForwarder}.
 */
public final class CallbackRouter implements Consumer<CallbackHint> {
  private static final String STATE = "nkw-task-state";
  private static final String CREATED_AT = "nkw-task-created-at";
  private static final String MODIFIED_AT = "nkw-task-modified-at";

  private final Set<Integer> owned;
  private final Consumer<CallbackHint> local;
  private final HintForwarder forwarder;
  private final String topic;
  private final CallbackEndpoint.CallbackCounters counters;

  public CallbackRouter(
      Set<Integer> owned,
      Consumer<CallbackHint> local,
      HintForwarder forwarder,
      String topic,
      CallbackEndpoint.CallbackCounters counters) {
    this.counters = counters;
    this.owned = owned;
    this.local = local;
    this.forwarder = forwarder;
    this.topic = topic;
  }

  @Override
  public void accept(CallbackHint hint) {
    List<Integer> here = new ArrayList<>(1);
    List<Integer> elsewhere = new ArrayList<>(0);
    for (int partition : hint.partitions()) {
      (owned.contains(partition) ? here : elsewhere).add(partition);
    }
    if (!here.isEmpty()) {
      local.accept(here.size() == hint.partitions().size() ? hint : hint.on(here));
    }
    for (int partition : elsewhere) {
      forward(hint, partition);
    }
  }

  private void forward(CallbackHint hint, int partition) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic, partition, hint.scope().getBytes(StandardCharsets.UTF_8), encode(hint));
    if (hint.task() != null) {
      header(record, STATE, hint.task().wireState());
      header(record, CREATED_AT, hint.task().createdAt());
      header(record, MODIFIED_AT, hint.task().modifiedAt());
    }
    if (forwarder.offer(record)) {
      counters.count("forwarded");
    }
  }

  private static void header(ProducerRecord<byte[], byte[]> record, String name, String value) {
    if (value != null) {
      record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String header(Headers headers, String name) {
    Header header = headers == null ? null : headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  static byte[] encode(CallbackHint hint) {
    return (hint.taskId() + "\n" + hint.scope()).getBytes(StandardCharsets.UTF_8);
  }

  /** Reads a forwarded hint back, with what the callback said of the task; null when it is none. */
  public static CallbackHint decode(int partition, byte[] value, Headers headers) {
    if (value == null) {
      return null;
    }
    String text = new String(value, StandardCharsets.UTF_8);
    int split = text.indexOf('\n');
    if (split <= 0) {
      return null;
    }
    String taskId = text.substring(0, split);
    String state = header(headers, STATE);
    TaskInfo task =
        state == null
            ? null
            : new TaskInfo(
                taskId,
                TaskState.fromWire(state),
                state,
                null,
                null,
                null,
                header(headers, CREATED_AT),
                header(headers, MODIFIED_AT));
    return new CallbackHint(partition, text.substring(split + 1), taskId, task);
  }
}
