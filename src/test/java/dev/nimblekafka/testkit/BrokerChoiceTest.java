package dev.nimblekafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nimblekafka.testkit.BrokerChoice.Kind;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerChoiceTest {

  @Test
  void anExportedKafkaBootstrapServersIsNotUsedByTheTests() {
    BrokerChoice choice = BrokerChoice.from(Map.of("KAFKA_BOOTSTRAP_SERVERS", "work-cluster:9092"));
    assertThat(choice.kind()).isEqualTo(Kind.AUTO);
    assertThat(choice.externalBootstrap()).isNull();
  }

  @Test
  void theDedicatedVariableNamesAnExternalBroker() {
    BrokerChoice choice =
        BrokerChoice.from(
            Map.of(
                "NKW_EXTERNAL_BOOTSTRAP", " 127.0.0.1:9092 ",
                "KAFKA_BOOTSTRAP_SERVERS", "work-cluster:9092"));
    assertThat(choice).isEqualTo(new BrokerChoice(Kind.EXTERNAL, "127.0.0.1:9092"));
  }

  @Test
  void aBlankExternalBootstrapLeavesTheChoiceToDocker() {
    assertThat(BrokerChoice.from(Map.of("NKW_EXTERNAL_BOOTSTRAP", " ")).kind())
        .isEqualTo(Kind.AUTO);
  }

  @Test
  void kafkaTestBrokerForcesABackend() {
    assertThat(
            BrokerChoice.from(
                    Map.of("KAFKA_TEST_BROKER", "in-process", "NKW_EXTERNAL_BOOTSTRAP", "x:1"))
                .kind())
        .isEqualTo(Kind.IN_PROCESS);
    assertThat(BrokerChoice.from(Map.of("KAFKA_TEST_BROKER", "Container")).kind())
        .isEqualTo(Kind.CONTAINER);
    assertThatThrownBy(() -> BrokerChoice.from(Map.of("KAFKA_TEST_BROKER", "remote")))
        .hasMessage("KAFKA_TEST_BROKER must be auto, in-process or container but was remote");
  }
}
