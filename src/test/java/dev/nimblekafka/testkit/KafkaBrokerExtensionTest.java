package dev.nimblekafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@RealKafka
@Timeout(60)
class KafkaBrokerExtensionTest {

  private static KafkaBroker fromBeforeAll;
  private final KafkaBroker fromConstructor;

  KafkaBrokerExtensionTest(KafkaBroker broker) {
    this.fromConstructor = broker;
  }

  @BeforeAll
  static void remember(KafkaBroker broker) {
    fromBeforeAll = broker;
  }

  @Test
  void everyInjectionPointGetsTheSameBroker(KafkaBroker broker) {
    assertThat(broker).isSameAs(fromConstructor).isSameAs(fromBeforeAll);
    assertThat(broker.bootstrapServers()).matches("[^,]+:\\d+(,[^,]+:\\d+)*");
  }

  @Test
  void uniqueNamesDoNotRepeat(KafkaBroker broker) {
    Set<String> names = new HashSet<>();
    IntStream.range(0, 1_000).forEach(i -> names.add(broker.uniqueName("t")));
    assertThat(names).hasSize(1_000).allMatch(name -> name.startsWith("t-"));
  }

  @Test
  void clientPropertiesAreCopiesATestMayChange(KafkaBroker broker) {
    broker.producerProperties().put("acks", "0");
    broker.consumerProperties("g").put("group.protocol", "classic");

    assertThat(broker.producerProperties()).containsEntry("acks", "all");
    assertThat(broker.consumerProperties("g")).containsEntry("group.protocol", "consumer");
  }
}
