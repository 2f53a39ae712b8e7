package dev.nimblekafka.trace;

import dev.nimblekafka.request.RequestHeaders;
import dev.nimblekafka.task.PendingTask;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The spans of a request: one from its consumption to its outcome, a child of the trace its
 * record's {@code traceparent} header names, and one for each Nimble call made for it. With no
 * OpenTelemetry SDK or agent installed every span is a no-op and nothing changes; with one, the
 * outcome's {@code traceparent} continues the request's trace through the request's span, and logs
 * carry {@code trace_id} and {@code span_id}.
 */
public final class RequestTracing {
  private static final String SCOPE = "dev.nimblekafka.worker";
  private static final String TRACEPARENT = "traceparent";
  private static final String TRACESTATE = "tracestate";
  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<Long> PARTITION =
      AttributeKey.longKey("messaging.destination.partition.id");
  private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  private static final AttributeKey<String> REQUEST_ID =
      AttributeKey.stringKey("nimble.request_id");
  private static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("nimble.task_id");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("nimble.outcome");
  private static final AttributeKey<Long> TASKS = AttributeKey.longKey("nimble.tasks");

  private static final TextMapGetter<RequestHeaders> FROM_HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestHeaders carrier) {
          return carrier.kept().stream().map(RequestHeaders.Header::name).toList();
        }

        @Override
        public String get(RequestHeaders carrier, String key) {
          return carrier == null ? null : carrier.text(key);
        }
      };

  private static final TextMapSetter<Map<String, String>> TO_MAP = Map::put;

  private final Tracer tracer;
  private final String topic;

  /**
   * Tracing of requests from {@code topic} through whatever OpenTelemetry is installed (the
   * agent's, or a no-op).
   */
  public static RequestTracing global(String topic) {
    return new RequestTracing(GlobalOpenTelemetry.get(), topic);
  }

  /** Tracing that records nothing. */
  public static RequestTracing none(String topic) {
    return new RequestTracing(OpenTelemetry.noop(), topic);
  }

  public RequestTracing(OpenTelemetry openTelemetry, String topic) {
    this.tracer = openTelemetry.getTracer(SCOPE);
    this.topic = topic;
  }

  /**
   * The request's span: started when it was consumed, or now for a request read back from the state
   * topic (its span then starts at the hand-over, a child of the same trace).
   */
  public Span of(PendingTask task) {
    if (task.span() == null) {
      task.traced(request(task.partition(), task.sourceOffset(), task.requestId(), task.headers()));
    }
    return task.span();
  }

  /**
   * The span of a request consumed from a partition, a child of the trace its {@code headers} name,
   * if any. A span that records nothing and names no trace (no SDK, no traceparent) is the one
   * invalid span, shared: a pending request holds no span object of its own then.
   */
  public Span request(int partition, long offset, String requestId, RequestHeaders headers) {
    Context parent =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, FROM_HEADERS);
    Span span =
        tracer
            .spanBuilder("process " + topic)
            .setParent(parent)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(SYSTEM, "kafka")
            .setAttribute(DESTINATION, topic)
            .setAttribute(PARTITION, (long) partition)
            .setAttribute(OFFSET, offset)
            .setAttribute(REQUEST_ID, requestId)
            .startSpan();
    return span.isRecording() || span.getSpanContext().isValid() ? span : Span.getInvalid();
  }

  /** The span of one Nimble call made for {@code tasks} requests, under the first one's span. */
  public Span call(String operation, Span parent, int tasks) {
    return tracer
        .spanBuilder("nimble " + operation)
        .setParent(Context.root().with(parent == null ? Span.getInvalid() : parent))
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(TASKS, (long) tasks)
        .startSpan();
  }

  /** Ends a call's span; {@code failure} null when it answered. */
  public static void answered(Span call, Throwable failure) {
    if (failure != null) {
      call.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    }
    call.end();
  }

  /** Ends a request's span with its outcome ({@code OK} or the failure's code). */
  public static void ended(Span request, String taskId, String outcome) {
    if (taskId != null) {
      request.setAttribute(TASK_ID, taskId);
    }
    request.setAttribute(OUTCOME, outcome);
    if (!"OK".equals(outcome)) {
      request.setStatus(StatusCode.ERROR, outcome);
    }
    request.end();
  }

  /**
   * The headers an outcome carries: the request's, with {@code traceparent} (and {@code
   * tracestate}) naming the request's span when it is recorded, so that the outcome continues the
   * request's trace; the request's own headers when there is no span to continue.
   */
  public static RequestHeaders outcomeHeaders(RequestHeaders headers, Span request) {
    if (request == null || !request.getSpanContext().isValid()) {
      return headers;
    }
    Map<String, String> carrier = new HashMap<>();
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(request), carrier, TO_MAP);
    return headers.withReplaced(carrier, List.of(TRACEPARENT, TRACESTATE));
  }

  /** The ids a log line carries for a span, or null when there is none. */
  public static SpanContext ids(Span span) {
    if (span == null || !span.getSpanContext().isValid()) {
      return null;
    }
    return span.getSpanContext();
  }
}
