package dev.nimblekafka.worker;

import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.trace.RequestTracing;
import io.opentelemetry.api.trace.SpanContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;

/** Puts a request's coordinates in the logging context for the length of a block. */
final class MdcScope implements AutoCloseable {
  private static final String[] KEYS = {
    "request_id", "task_id", "partition", "offset", "trace_id", "span_id"
  };

  static MdcScope of(ConsumerRecord<?, ?> record) {
    MDC.put("partition", Integer.toString(record.partition()));
    MDC.put("offset", Long.toString(record.offset()));
    return new MdcScope();
  }

  static MdcScope of(PendingTask task) {
    MDC.put("request_id", task.requestId());
    if (task.taskId() != null) {
      MDC.put("task_id", task.taskId());
    }
    MDC.put("partition", Integer.toString(task.partition()));
    MDC.put("offset", Long.toString(task.sourceOffset()));
    SpanContext span = RequestTracing.ids(task.span());
    if (span != null) {
      MDC.put("trace_id", span.getTraceId());
      MDC.put("span_id", span.getSpanId());
    }
    return new MdcScope();
  }

  @Override
  public void close() {
    for (String key : KEYS) {
      MDC.remove(key);
    }
  }
}
