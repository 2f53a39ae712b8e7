package dev.nimblekafka.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@RealKafka
@Timeout(120)
class SaslPlainTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @BeforeEach
  void needsSasl(KafkaBroker broker) {
    assumeTrue(broker.supportsSasl(), "no SASL listener on " + broker.description());
  }

  @Test
  void theRightPasswordProducesOverSasl(KafkaBroker broker) throws Exception {
    String topic = broker.uniqueTopic("sasl");
    Map<String, Object> props = broker.saslClientProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());

    try (Admin admin = Admin.create(broker.saslClientProperties());
        KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
      producer.send(new ProducerRecord<>(topic, "k", "over-sasl")).get(30, TimeUnit.SECONDS);
    }

    assertThat(broker.readAll(topic, IsolationLevel.READ_COMMITTED, 1, WAIT))
        .extracting(ConsumerRecord::value)
        .containsExactly("over-sasl");
  }

  @Test
  void aWrongPasswordIsRejected(KafkaBroker broker) {
    try (Admin admin =
        Admin.create(broker.saslClientProperties(KafkaBroker.SASL_USERNAME, "wrong-password"))) {
      assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void anUnknownUserIsRejected(KafkaBroker broker) {
    try (Admin admin = Admin.create(broker.saslClientProperties("intruder", "whatever"))) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void theFixtureAdvertisesTheSaslListenerSeparately(KafkaBroker broker) {
    assertThat(broker.saslBootstrapServers()).isNotEqualTo(broker.bootstrapServers());
    assertThat(broker.saslClientProperties())
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "PLAIN");
    assertThat(List.of(broker.saslClientProperties().get("sasl.jaas.config")))
        .singleElement()
        .asString()
        .contains("username=\"worker\"");
    assertThat(broker.saslEnvironment("worker", "pw"))
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", broker.saslBootstrapServers())
        .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
        .containsEntry("KAFKA_SASL_MECHANISM", "PLAIN")
        .containsKey("KAFKA_SASL_JAAS_CONFIG");
  }
}
