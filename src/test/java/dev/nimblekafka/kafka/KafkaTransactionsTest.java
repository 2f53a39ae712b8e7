package dev.nimblekafka.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@RealKafka
@Timeout(120)
class KafkaTransactionsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void readCommittedSeesOnlyCommittedTransactions(KafkaBroker broker) {
    String topic = broker.uniqueTopic("tx", 2);

    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(broker.transactionalProducerProperties(broker.uniqueName("tx-id")))) {
      producer.initTransactions();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k1", "committed-1"));
      producer.send(new ProducerRecord<>(topic, "k2", "committed-2"));
      producer.commitTransaction();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k3", "aborted-1"));
      producer.flush();
      producer.abortTransaction();
    }

    assertThat(broker.readToEnd(topic, IsolationLevel.READ_COMMITTED, WAIT))
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrder("committed-1", "committed-2");
    assertThat(broker.readToEnd(topic, IsolationLevel.READ_UNCOMMITTED, WAIT))
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrder("committed-1", "committed-2", "aborted-1");
  }

  @Test
  void offsetsSentToATransactionCommitAndAbortWithIt(KafkaBroker broker) {
    String input = broker.uniqueTopic("ctp-in", 2);
    String output = broker.uniqueTopic("ctp-out", 2);
    String group = broker.uniqueName("ctp-group");
    for (int i = 0; i < 6; i++) {
      broker.produce(input, "k" + i, "v" + i);
    }

    Map<String, Object> consumerProps = broker.consumerProperties(group);
    consumerProps.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps);
        KafkaProducer<String, String> producer =
            new KafkaProducer<>(
                broker.transactionalProducerProperties(broker.uniqueName("ctp-tx")))) {
      producer.initTransactions();
      consumer.subscribe(List.of(input));

      // Round 1: transform everything and commit the output together with the input offsets.
      List<ConsumerRecord<String, String>> firstBatch = KafkaBroker.pollAtLeast(consumer, 6, WAIT);
      producer.beginTransaction();
      firstBatch.forEach(r -> producer.send(new ProducerRecord<>(output, r.key(), upper(r))));
      producer.sendOffsetsToTransaction(nextOffsets(firstBatch), consumer.groupMetadata());
      producer.commitTransaction();

      Map<TopicPartition, Long> afterFirstBatch = plain(nextOffsets(firstBatch));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(broker.committedOffsets(group)).isEqualTo(afterFirstBatch));

      // Round 2: the same for two new records, but the transaction aborts.
      broker.produce(input, "k6", "v6");
      broker.produce(input, "k7", "v7");
      List<ConsumerRecord<String, String>> secondBatch = KafkaBroker.pollAtLeast(consumer, 2, WAIT);
      producer.beginTransaction();
      secondBatch.forEach(r -> producer.send(new ProducerRecord<>(output, r.key(), upper(r))));
      producer.sendOffsetsToTransaction(nextOffsets(secondBatch), consumer.groupMetadata());
      producer.abortTransaction();
    }

    // Only round 1's output is visible, and the group resumes after round 1: a new member gets
    // exactly the two records whose offsets were aborted with the transaction.
    assertThat(broker.readToEnd(output, IsolationLevel.READ_COMMITTED, WAIT))
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrder("V0", "V1", "V2", "V3", "V4", "V5");
    try (KafkaConsumer<String, String> restarted = new KafkaConsumer<>(consumerProps)) {
      restarted.subscribe(List.of(input));
      assertThat(KafkaBroker.pollAtLeast(restarted, 2, WAIT))
          .extracting(ConsumerRecord::value)
          .containsExactlyInAnyOrder("v6", "v7");
    }
  }

  private static String upper(ConsumerRecord<String, String> record) {
    return record.value().toUpperCase(Locale.ROOT);
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      List<ConsumerRecord<String, String>> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      offsets.merge(
          new TopicPartition(r.topic(), r.partition()),
          new OffsetAndMetadata(r.offset() + 1),
          (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    return offsets;
  }

  private static Map<TopicPartition, Long> plain(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<TopicPartition, Long> result = new HashMap<>();
    offsets.forEach((tp, om) -> result.put(tp, om.offset()));
    return result;
  }
}
