package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** submit --wait and tail read outcomes framed with a Schema Registry id as well as plain ones. */
class OutcomeReaderFramingTest {
  private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
    return new ConsumerRecord<>(
        "nimble.results", 0, 0, "r-1".getBytes(StandardCharsets.UTF_8), value);
  }

  @Test
  void aFramedOutcomeIsReadAsItsJson() {
    String json = "{\"request_id\":\"r-1\",\"state\":\"succeeded\"}";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] framed =
        ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(101).put(body).array();
    OutcomeReader.Outcome outcome = OutcomeReader.parse(record(framed));
    assertThat(outcome).isNotNull();
    assertThat(outcome.requestId()).isEqualTo("r-1");
    assertThat(outcome.json()).isEqualTo(json);
    assertThat(OutcomeReader.parse(record(body)).json()).isEqualTo(json);
  }
}
