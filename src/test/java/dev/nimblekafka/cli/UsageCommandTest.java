package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import dev.nimblekafka.usage.Usage;
import dev.nimblekafka.usage.UsageCodec;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code usage}: the ledger per tenant and day, summed over the usage topic's partitions. */
@RealKafka
class UsageCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final UsageCodec CODEC = new UsageCodec(JSON);
  private static final LocalDate DAY = LocalDate.of(2026, 12, 6);

  @Test
  @Timeout(150)
  void usageSumsTheLatestTotalsOfEveryPartitionPerTenantAndDay(
      KafkaBroker broker, @TempDir Path dir) throws Exception {
    String topic = broker.createTopic(broker.uniqueName("usage"), 2, KafkaBroker.COMPACTED);
    write(broker, topic, usage("acme", DAY, 0, 1, 1, Map.of("vx6", 1L), "0.0009"));
    write(broker, topic, usage("acme", DAY, 0, 5, 4, Map.of("vx6", 3L, "vx8", 1L), "0.004"));
    write(broker, topic, usage("acme", DAY, 1, 2, 2, Map.of("vx10", 2L), "0.0029"));
    write(broker, topic, usage("beta", DAY, 1, 3, 1, Map.of("vx6", 1L), "0.0009"));
    write(broker, topic, usage("acme", DAY.minusDays(1), 1, 7, 7, Map.of("vx6", 7L), "0.0063"));
    Map<String, String> env =
        Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "USAGE_TOPIC", topic);

    CliProcess.Run json = CliProcess.run(env, dir, "usage", "--json", "--day", DAY.toString());

    assertThat(json.exit()).as(json.err()).isZero();
    JsonNode rows = JSON.readTree(json.out()).path("usage");
    assertThat(rows).hasSize(2);
    JsonNode acme = rows.get(0);
    assertThat(acme.path("tenant").asText()).isEqualTo("acme");
    assertThat(acme.path("day").asText()).isEqualTo(DAY.toString());
    assertThat(acme.path("created").asLong()).as("5 in partition 0, 2 in 1").isEqualTo(7);
    assertThat(acme.path("succeeded").asLong()).isEqualTo(6);
    assertThat(acme.path("succeeded_by_driver").path("vx6").asLong()).isEqualTo(3);
    assertThat(acme.path("succeeded_by_driver").path("vx10").asLong()).isEqualTo(2);
    assertThat(acme.path("cost_usd").decimalValue()).isEqualByComparingTo("0.0069");
    assertThat(acme.has("partition")).as("a sum over partitions").isFalse();
    assertThat(rows.get(1).path("tenant").asText()).isEqualTo("beta");

    CliProcess.Run table = CliProcess.run(env, dir, "usage", "--tenant", "acme");

    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.out().lines())
        .hasSize(3)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith(DAY.toString())
                    .contains("acme")
                    .contains("0.0069")
                    .contains("vx10=2,vx6=3,vx8=1"))
        .anySatisfy(line -> assertThat(line).startsWith(DAY.minusDays(1).toString()))
        .noneSatisfy(line -> assertThat(line).contains("beta"));
  }

  @Test
  @Timeout(60)
  void aDayThatIsNotADayIsRefusedNamingTheOption(@TempDir Path dir) throws Exception {
    CliProcess.Run run =
        CliProcess.run(
            Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9"), dir, "usage", "--day", "monday");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("--day must be YYYY-MM-DD, today or yesterday")
        .contains("monday");
  }

  private static Usage usage(
      String tenant,
      LocalDate day,
      int partition,
      long created,
      long succeeded,
      Map<String, Long> drivers,
      String cost) {
    return new Usage(
        tenant,
        day,
        partition,
        created,
        succeeded,
        0,
        0,
        created + succeeded,
        drivers,
        new BigDecimal(cost));
  }

  private static void write(KafkaBroker broker, String topic, Usage usage) throws Exception {
    Map<String, Object> props = new HashMap<>(broker.producerProperties());
    props.put("key.serializer", ByteArraySerializer.class.getName());
    props.put("value.serializer", ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer
          .send(
              new ProducerRecord<>(
                  topic, usage.partition(), CODEC.key(usage), CODEC.encode(usage, 0)))
          .get(30, TimeUnit.SECONDS);
    }
  }
}
