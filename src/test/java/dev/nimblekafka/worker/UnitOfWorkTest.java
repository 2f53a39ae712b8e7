package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class UnitOfWorkTest {

  private static ProducerRecord<byte[], byte[]> record(String value) {
    return new ProducerRecord<>("results", value.getBytes(), value.getBytes());
  }

  @Test
  void aPartitionGivenAwayLeavesTheOpenTransactionAndTheOthersAreWrittenAgain() {
    RecordingOutput output = new RecordingOutput(true);
    UnitOfWork unit = new UnitOfWork(() -> output);
    unit.open();
    unit.send(0, record("zero"), null);
    unit.send(1, record("one"), null);
    unit.forget(1);
    assertThat(output.open()).extracting(r -> new String(r.value())).containsExactly("zero");
  }

  @Test
  void withoutTransactionsAPartitionGivenAwayDoesNotSendTheOthersTwice() {
    RecordingOutput output = new RecordingOutput(false);
    UnitOfWork unit = new UnitOfWork(() -> output);
    unit.open();
    unit.send(0, record("zero"), null);
    unit.send(1, record("one"), null);
    unit.forget(1);
    assertThat(output.open())
        .as("sent once each: at-least-once cannot take a record back, nor needs to send it again")
        .hasSize(2);
    unit.commit(Map.of(), null);
    assertThat(unit.size()).isZero();
  }

  @Test
  void anOutputTheBrokerDoesNotLetOpenNeitherKillsTheLoopNorLosesTheUnit() {
    RecordingOutput output = new RecordingOutput(true);
    java.util.concurrent.atomic.AtomicInteger refusals =
        new java.util.concurrent.atomic.AtomicInteger(2);
    UnitOfWork unit =
        new UnitOfWork(
            () -> {
              if (refusals.getAndDecrement() > 0) {
                throw new org.apache.kafka.common.errors.TimeoutException(
                    "Timeout expired after 60000ms while awaiting InitProducerId");
              }
              return output;
            });
    unit.open(); // refused: the unit goes on without an output
    unit.send(0, record("zero"), null);
    assertThat(unit.dirty()).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> unit.commit(Map.of(), null))
        .isInstanceOf(dev.nimblekafka.publish.OutputException.class);
    unit.abort(false);
    unit.resend();

    unit.commit(Map.of(), null); // the broker answers again

    assertThat(output.committed()).extracting(r -> new String(r.value())).containsExactly("zero");
    assertThat(unit.size()).isZero();
  }

  @Test
  void aDiscardedUnitLeavesNothingInTheOpenTransaction() {
    RecordingOutput output = new RecordingOutput(true);
    UnitOfWork unit = new UnitOfWork(() -> output);
    unit.open();
    unit.send(0, record("outcome of a request about to be replayed"), null);

    unit.discard();
    unit.commit(Map.of(), null);

    assertThat(output.committed()).as("replayed, not committed as well").isEmpty();
  }
}
