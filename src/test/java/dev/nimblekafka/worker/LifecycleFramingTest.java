package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.FAILURES;
import static dev.nimblekafka.worker.LifecycleRig.RESULTS;
import static dev.nimblekafka.worker.LifecycleRig.STATE;
import static dev.nimblekafka.worker.LifecycleRig.extract;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request framed by a Schema Registry serializer (magic byte 0, 4-byte schema id, JSON) is held,
 * recorded and restored as its JSON: the frame never reaches the state topic.
 */
@Timeout(10)
class LifecycleFramingTest {
  private static byte[] framed(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(42).put(body).array();
  }

  @Test
  void aFramedRequestIsRecordedAsItsJsonAndRestoredFromIt() {
    LifecycleRig before = new LifecycleRig();
    before.assign(0);
    before.consume(0, "k", framed(extract("r1", "https://a.io")));
    JsonNode recorded = before.open(STATE).get(0);
    assertThat(recorded.get("request").get("extract").get("url").asText())
        .isEqualTo("https://a.io");
    before.turn();
    assertThat(before.nimble.only(Op.SUBMIT).body.get("url").asText()).isEqualTo("https://a.io");
    before.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    before.turn();
    ProducerRecord<byte[], byte[]> state = before.output.open().get(1);
    StoredTask stored = new StateCodec(new ObjectMapper()).decode(state.value());

    LifecycleRig rig = new LifecycleRig();
    rig.assign(0, stored);
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("{}");
    rig.turn();
    rig.commit();
    assertThat(rig.committed(RESULTS).get(0).get("request_id").asText()).isEqualTo("r1");
  }

  @Test
  void aFailureOfAFramedRequestCopiesItsJson() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, "k", framed("{\"request_id\":\"bad\",\"extract\":{}}"));
    rig.commit();
    JsonNode failure = rig.committed(FAILURES).get(0);
    assertThat(failure.get("error").get("code").asText()).isEqualTo("MISSING_FIELD");
    assertThat(failure.get("request").get("request_id").asText()).isEqualTo("bad");
  }
}
