package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.FAILURES;
import static dev.nimblekafka.worker.LifecycleRig.RESULTS;
import static dev.nimblekafka.worker.LifecycleRig.STATE;
import static dev.nimblekafka.worker.LifecycleRig.extract;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.request.RequestHeaders;
import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A request's Kafka headers come back on its outcome: result, failure, refusal, after restore. */
@Timeout(10)
class LifecycleHeadersTest {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static Headers traced() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", bytes(TRACEPARENT));
    headers.add("tracestate", bytes("vendor=abc"));
    headers.add("tenant", bytes("acme"));
    headers.add("binary", new byte[] {0, (byte) 0xff, 7});
    headers.add("no-value", null);
    headers.add("tenant", bytes("acme-2")); // repeated names are kept, in order
    return headers;
  }

  @Test
  void aResultCarriesExactlyTheRequestsHeadersInOrder() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, "k", bytes(extract("r1", "https://a.io")), traced());
    assertThat(rig.open(STATE).get(0).get("headers")).hasSize(6);
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{}");
    rig.turn();
    rig.commit();

    ProducerRecord<byte[], byte[]> result = rig.output.committed(RESULTS).get(0);
    assertThat(names(result.headers()))
        .as("the request's headers and nothing of the worker's (no key, no setting)")
        .containsExactly("traceparent", "tracestate", "tenant", "binary", "no-value", "tenant");
    assertThat(text(result.headers().lastHeader("traceparent"))).isEqualTo(TRACEPARENT);
    assertThat(result.headers().headers("tenant"))
        .extracting(LifecycleHeadersTest::text)
        .containsExactly("acme", "acme-2");
    assertThat(result.headers().lastHeader("binary").value()).containsExactly(0, 0xff, 7);
    assertThat(result.headers().lastHeader("no-value").value()).isNull();
  }

  @Test
  void aFailureCarriesTheRequestsHeadersAndTheWorkersDeadLetterHeaders() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    Headers headers = traced();
    headers.add("__connect.errors.topic", bytes("not-the-requests-topic"));
    headers.add(RequestHeaders.DROPPED, bytes("99"));
    rig.consume(0, "k", bytes(extract("r1", "https://a.io")), headers);
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.rejected(400));
    rig.turn();
    rig.commit();

    ProducerRecord<byte[], byte[]> failure = rig.output.committed(FAILURES).get(0);
    assertThat(text(failure.headers().lastHeader("traceparent"))).isEqualTo(TRACEPARENT);
    assertThat(text(failure.headers().lastHeader("tenant"))).isEqualTo("acme-2");
    assertThat(failure.headers().headers("__connect.errors.topic"))
        .as("the worker's own header is not overwritten by the request's")
        .extracting(LifecycleHeadersTest::text)
        .containsExactly(LifecycleRig.REQUESTS);
    assertThat(text(failure.headers().lastHeader("__connect.errors.stage"))).isEqualTo("submit");
    assertThat(failure.headers().lastHeader(RequestHeaders.DROPPED)).isNull();
  }

  @Test
  void aRefusedRequestCarriesItsHeadersToo() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, "k", bytes("{\"request_id\":\"bad\",\"extract\":{}}"), traced());
    rig.consume(0, "k", bytes("not json"), traced());
    rig.commit();
    List<ProducerRecord<byte[], byte[]>> failures = rig.output.committed(FAILURES);
    assertThat(failures).hasSize(2);
    for (ProducerRecord<byte[], byte[]> failure : failures) {
      assertThat(text(failure.headers().lastHeader("traceparent"))).isEqualTo(TRACEPARENT);
      assertThat(failure.headers().lastHeader("__connect.errors.stage")).isNotNull();
    }
  }

  @Test
  void aRestoredRequestStillHasItsHeaders() {
    ObjectMapper json = new ObjectMapper();
    StateCodec codec = new StateCodec(json);
    // what the state topic holds for a request created before a restart
    LifecycleRig before = new LifecycleRig();
    before.assign(0);
    before.consume(0, "k", bytes(extract("r1", "https://a.io")), traced());
    before.turn();
    before.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    before.turn();
    ProducerRecord<byte[], byte[]> state = before.output.open().get(1);
    StoredTask stored = codec.decode(state.value());
    assertThat(stored.taskId()).isEqualTo("t1");

    LifecycleRig rig = new LifecycleRig();
    rig.assign(0, stored);
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.FAILED);
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t2", TaskState.PENDING);
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t2", TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{}");
    rig.turn();
    rig.commit();
    ProducerRecord<byte[], byte[]> result = rig.output.committed(RESULTS).get(0);
    assertThat(names(result.headers()))
        .containsExactly("traceparent", "tracestate", "tenant", "binary", "no-value", "tenant");
    assertThat(codec.decode(rig.output.committed(STATE).get(0).value()).headers().kept())
        .as("the rewritten state record keeps them")
        .hasSize(6);
  }

  @Test
  void headersOverTheBoundAreDroppedAndTheOutcomeSaysHowMany() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    RecordHeaders headers = new RecordHeaders();
    headers.add("big", new byte[6_000]);
    headers.add("too-big-for-what-is-left", new byte[3_000]);
    headers.add("huge", new byte[RequestHeaders.MAX_BYTES + 1]);
    headers.add("traceparent", bytes(TRACEPARENT));
    rig.consume(0, "k", bytes(extract("r1", "https://a.io")), headers);
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.rejected(404));
    rig.turn();
    rig.commit();
    ProducerRecord<byte[], byte[]> failure = rig.output.committed(FAILURES).get(0);
    assertThat(names(failure.headers()))
        .startsWith("big", "traceparent", RequestHeaders.DROPPED)
        .doesNotContain("too-big-for-what-is-left", "huge");
    assertThat(text(failure.headers().lastHeader(RequestHeaders.DROPPED))).isEqualTo("2");
  }

  private static List<String> names(Headers headers) {
    List<String> names = new ArrayList<>();
    headers.forEach(h -> names.add(h.key()));
    return names;
  }

  private static String text(Header header) {
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
