package dev.nimblekafka.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@RealKafka
@Timeout(120)
class KafkaRoundTripTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void recordsProducedAreConsumedByAGroupWithTheConsumerProtocol(KafkaBroker broker)
      throws Exception {
    String topic = broker.uniqueTopic("round-trip", 3);
    String group = broker.uniqueName("round-trip-group");
    List<String> values = IntStream.range(0, 30).mapToObj(i -> "value-" + i).toList();

    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(broker.producerProperties())) {
      for (int i = 0; i < values.size(); i++) {
        producer.send(new ProducerRecord<>(topic, "key-" + i, values.get(i)));
      }
      producer.flush();
    }

    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(broker.consumerProperties(group))) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> records =
          KafkaBroker.pollAtLeast(consumer, values.size(), WAIT);
      consumer.commitSync();

      assertThat(records)
          .extracting(ConsumerRecord::value)
          .containsExactlyInAnyOrderElementsOf(values);
      assertThat(records).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
    }

    assertThat(broker.admin().describeConsumerGroups(List.of(group)).all().get().get(group).type())
        .isEqualTo(GroupType.CONSUMER);
    long committed =
        broker.committedOffsets(group).values().stream().mapToLong(Long::longValue).sum();
    assertThat(committed).isEqualTo(values.size());
  }

  @Test
  void topicsAreCreatedWithTheirConfigs(KafkaBroker broker) throws Exception {
    String topic = broker.uniqueName("compacted");
    broker.createTopic(topic, 2, KafkaBroker.COMPACTED);

    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = broker.admin().describeConfigs(List.of(resource)).all().get().get(resource);

    assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
    assertThat(
            broker
                .admin()
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions())
        .hasSize(2);
  }

  @Test
  void producingToAMissingTopicDoesNotCreateIt(KafkaBroker broker) throws Exception {
    String missing = broker.uniqueName("missing");
    Map<String, Object> props = broker.producerProperties();
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);

    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(missing, "k", "v")).get())
          .isInstanceOfAny(ExecutionException.class, TimeoutException.class);
    }
    assertThat(broker.admin().listTopics().names().get()).doesNotContain(missing);
  }

  @Test
  void theReadersSeeWhatWasProduced(KafkaBroker broker) {
    String topic = broker.uniqueTopic("read-to-end", 2);
    broker.produce(topic, "a", "1");
    broker.produce(topic, "b", "2");

    assertThat(broker.readToEnd(topic, IsolationLevel.READ_UNCOMMITTED, WAIT))
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrder("1", "2");
    assertThat(broker.readAll(topic, IsolationLevel.READ_COMMITTED, 2, WAIT)).hasSize(2);
    assertThat(broker.committedOffsets(broker.uniqueName("no-such-group"))).isEmpty();
  }
}
