package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.sim.DurationDistribution;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.sim.SimStats;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import dev.nimblekafka.usage.Usage;
import dev.nimblekafka.usage.UsageCodec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The usage ledger on a real broker: the worker is killed twice mid-run, and the totals it leaves
 * in the usage topic still count every tenant's tasks exactly once, as the simulator billed them.
 */
@RealKafka
class WorkerUsageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TENANTS = List.of("acme", "beta", "gamma");
  private static final int PER_TENANT = 100;

  @Test
  @Timeout(240)
  void usageTotalsSurviveCrashesExactlyAndMatchWhatTheSimulatorBilled(KafkaBroker broker)
      throws Exception {
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(5_000)
            .taskDuration(
                DurationDistribution.uniform(Duration.ofMillis(100), Duration.ofMillis(1_000)))
            .build();
    List<String> values = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < PER_TENANT; i++) {
      for (String tenant : TENANTS) {
        ids.add(tenant + "-" + i);
        String driver = tenant.equals("beta") ? ",\"driver\":\"vx10\"" : "";
        values.add(
            "{\"request_id\":\"%s-%d\",\"tenant\":\"%s\",\"extract\":{\"url\":\"https://%s.example/%d\"%s}}"
                .formatted(tenant, i, tenant, tenant, i, driver));
      }
    }
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness =
            new WorkerHarness(
                broker,
                sim,
                3,
                Map.of(
                    "KAFKA_SESSION_TIMEOUT_MS", "6000",
                    "TRANSACTION_TIMEOUT", "5s",
                    "MAX_PENDING_TASKS", "40"))) {
      harness.produce(values);
      Worker worker = harness.startWorker("usage-a");
      int total = values.size();
      for (int progress : List.of(total / 4, total / 2)) {
        harness.awaitOutcomes(progress, Duration.ofSeconds(60), Duration.ZERO);
        worker.halt();
        worker = harness.startWorker(progress == total / 4 ? "usage-b" : "usage-a");
      }
      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(total, Duration.ofSeconds(120), Duration.ofSeconds(1));
      WorkerHarness.exactlyOnce(outcomes, ids);
      worker.close();

      Map<String, Usage> usage = readUsage(broker, harness.config("reader").ledger().topic());
      SimStats stats = sim.stats();
      long duplicates = stats.duplicateInputsLive();
      long overBilled = 0;
      for (String tenant : TENANTS) {
        Usage u = usage.get(tenant);
        assertThat(u).as("usage of " + tenant).isNotNull();
        assertThat(u.created()).as(tenant + " created, once each").isEqualTo(PER_TENANT);
        assertThat(u.succeeded()).as(tenant + " succeeded, once each").isEqualTo(PER_TENANT);
        assertThat(u.failed() + u.expired()).isZero();
        long billed = stats.completedOn(tenant + ".example");
        assertThat(billed)
            .as(tenant + ": the simulator billed at least the ledger's")
            .isGreaterThanOrEqualTo(u.succeeded());
        overBilled += billed - u.succeeded();
      }
      assertThat(overBilled)
          .as("tasks billed beyond the ledger are the duplicates a crash can leave")
          .isEqualTo(duplicates);
      assertThat(usage.get("beta").succeededByDriver())
          .isEqualTo(Map.of("vx10", (long) PER_TENANT));
      assertThat(usage.get("beta").costUsd()).isEqualByComparingTo(new BigDecimal("0.145"));
      assertThat(usage.get("acme").succeededByDriver()).isEqualTo(Map.of("vx6", (long) PER_TENANT));
      assertThat(usage.get("acme").costUsd()).isEqualByComparingTo(new BigDecimal("0.09"));
    }
  }

  /** The usage topic read_committed, the latest record per partition and key, summed by tenant. */
  private static Map<String, Usage> readUsage(KafkaBroker broker, String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    UsageCodec codec = new UsageCodec(JSON);
    Map<String, Usage> latest = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertThat(System.nanoTime()).as("read the usage topic in time").isLessThan(deadline);
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          latest.put(
              record.partition() + "/" + new String(record.key(), StandardCharsets.UTF_8),
              codec.decode(record.value()));
        }
      }
    }
    Map<String, Usage> byTenant = new HashMap<>();
    latest.values().forEach(u -> byTenant.merge(u.tenant(), u, Usage::plus));
    return byTenant;
  }
}
