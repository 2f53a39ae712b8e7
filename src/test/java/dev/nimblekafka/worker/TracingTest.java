package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.RESULTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.request.RequestHeaders;
import dev.nimblekafka.trace.RequestTracing;
import dev.nimblekafka.worker.FakeNimble.Op;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request's trace, through an OpenTelemetry SDK: continued from the request's traceparent through
 * consumption and the Nimble calls to the outcome's traceparent.
 */
@Timeout(10)
class TracingTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00f067aa0ba902b7";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();

  @Test
  void aRequestsTraceIsContinuedThroughItsNimbleCallsToItsOutcome() {
    LifecycleRig rig = new LifecycleRig(sdk);
    rig.assign(0);
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        "traceparent", ("00-" + TRACE + "-" + PARENT + "-01").getBytes(StandardCharsets.UTF_8));
    rig.consume(
        0,
        null,
        LifecycleRig.extract("r1", "https://a.io").getBytes(StandardCharsets.UTF_8),
        headers);
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{\"html\":\"<p>\"}");
    rig.turn();
    rig.commit();

    List<SpanData> done = spans.getFinishedSpanItems();
    SpanData request =
        done.stream().filter(s -> s.getKind() == SpanKind.CONSUMER).findFirst().orElseThrow();
    assertThat(request.getTraceId()).isEqualTo(TRACE);
    assertThat(request.getParentSpanId()).isEqualTo(PARENT);
    assertThat(done)
        .filteredOn(s -> s.getKind() == SpanKind.CLIENT)
        .extracting(SpanData::getName)
        .containsExactly("nimble submit", "nimble status", "nimble results");
    assertThat(done)
        .filteredOn(s -> s.getKind() == SpanKind.CLIENT)
        .allSatisfy(
            call -> {
              assertThat(call.getTraceId()).isEqualTo(TRACE);
              assertThat(call.getParentSpanId()).isEqualTo(request.getSpanId());
            });

    ProducerRecord<byte[], byte[]> result = rig.output.committed(RESULTS).get(0);
    Header traceparent = result.headers().lastHeader("traceparent");
    assertThat(new String(traceparent.value(), StandardCharsets.UTF_8))
        .as("the outcome continues the request's trace through its span")
        .isEqualTo("00-" + TRACE + "-" + request.getSpanId() + "-01");
  }

  @Test
  void logLinesAboutATracedRequestCarryItsTraceAndSpanIds() {
    LifecycleRig rig = new LifecycleRig(sdk);
    rig.assign(0);
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        "traceparent", ("00-" + TRACE + "-" + PARENT + "-01").getBytes(StandardCharsets.UTF_8));
    rig.consume(
        0,
        null,
        LifecycleRig.extract("r1", "https://a.io").getBytes(StandardCharsets.UTF_8),
        headers);
    dev.nimblekafka.task.PendingTask task = rig.book.byRequestId(0, "r1");

    try (MdcScope mdc = MdcScope.of(task)) {
      assertThat(org.slf4j.MDC.get("trace_id")).isEqualTo(TRACE);
      assertThat(org.slf4j.MDC.get("span_id")).isEqualTo(task.span().getSpanContext().getSpanId());
    }
    assertThat(org.slf4j.MDC.get("trace_id")).as("gone with the scope").isNull();
  }

  @Test
  void withoutAnSdkTheOutcomeCarriesTheRequestsTraceparentAsItCame() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    RecordHeaders headers = new RecordHeaders();
    String sent = "00-" + TRACE + "-" + PARENT + "-01";
    headers.add("traceparent", sent.getBytes(StandardCharsets.UTF_8));
    rig.consume(0, null, "{\"request_id\":\"bad\"}".getBytes(StandardCharsets.UTF_8), headers);
    rig.turn();
    rig.commit();

    ProducerRecord<byte[], byte[]> failure = rig.output.committed(LifecycleRig.FAILURES).get(0);
    assertThat(
            new String(failure.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
        .isEqualTo(sent);
  }

  @Test
  void requestsOfNoTraceWithoutAnSdkShareOneSpanInsteadOfOneEach() {
    RequestTracing tracing = RequestTracing.none("requests");

    Span first = tracing.request(0, 1, "r1", RequestHeaders.NONE);
    Span second = tracing.request(0, 2, "r2", RequestHeaders.NONE);

    assertThat(first.getSpanContext().isValid()).isFalse();
    assertThat(second).as("held by every pending request").isSameAs(first);
  }

  @Test
  void aRequestsTraceparentStillGivesItsOwnSpanWithoutAnSdk() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        "traceparent", ("00-" + TRACE + "-" + PARENT + "-01").getBytes(StandardCharsets.UTF_8));

    Span span = RequestTracing.none("requests").request(0, 1, "r1", RequestHeaders.of(headers));

    assertThat(span.getSpanContext().getTraceId()).isEqualTo(TRACE);
    assertThat(span.getSpanContext().getSpanId()).isEqualTo(PARENT);
  }
}
