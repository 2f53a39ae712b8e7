package dev.nimblekafka.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** A send that fails never throws on the loop's thread, for either output: the commit does. */
class OutputFailureTest {
  private static final ProducerRecord<byte[], byte[]> RECORD =
      new ProducerRecord<>("t", "k".getBytes(), "v".getBytes());

  private static MockProducer<byte[], byte[]> failingProducer() {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    producer.sendException = new KafkaException("refused");
    return producer;
  }

  @Test
  void atLeastOnce() {
    Output output = new AtLeastOnceOutput(failingProducer(), offsets -> {}, CommitTimer.NONE);
    output.send(RECORD);
    assertThat(output.dirty()).isTrue();
    assertThatThrownBy(() -> output.commit(Map.of(), new ConsumerGroupMetadata("g")))
        .isInstanceOf(OutputException.class)
        .hasMessageContaining("refused");
  }

  @Test
  void transactional() {
    Output output = new TransactionalOutput(failingProducer(), CommitTimer.NONE);
    output.send(RECORD);
    output.send(RECORD);
    assertThatThrownBy(() -> output.commit(Map.of(), new ConsumerGroupMetadata("g")))
        .isInstanceOf(OutputException.class)
        .hasMessageContaining("refused");
    assertThat(output.dirty()).isFalse();
  }
}
