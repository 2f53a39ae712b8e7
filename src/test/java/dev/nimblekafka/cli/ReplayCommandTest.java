package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * replay reads failures as the worker writes them and produces the chosen requests again, with a
 * replay count that stops a request failing over and over.
 */
@RealKafka
class ReplayCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private record Topics(String requests, String failures, Map<String, String> env) {}

  private static Topics topics(KafkaBroker broker) {
    String prefix = broker.uniqueName("replay");
    String requests = broker.createTopic(prefix + ".requests", 1);
    String failures = broker.createTopic(prefix + ".failures", 2);
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    env.put("REQUESTS_TOPIC", requests);
    env.put("FAILURES_TOPIC", failures);
    return new Topics(requests, failures, env);
  }

  /** A failure record as the worker writes it: the request inside, its headers carried back. */
  private static void fail(
      KafkaBroker broker, String topic, String id, String code, long timestamp, String count) {
    String value =
        "{\"request_id\":\""
            + id
            + "\",\"stage\":\"task\",\"error\":{\"code\":\""
            + code
            + "\",\"message\":\"m\",\"http_status\":null,\"details\":null},\"attempts\":3,"
            + "\"metadata\":{\"tenant\":\"acme\"},\"failed_at\":\""
            + Instant.ofEpochMilli(timestamp)
            + "\",\"request_key\":\""
            + id
            + "\",\"request\":{\"request_id\":\""
            + id
            + "\",\"extract\":{\"url\":\"https://www.example.com/"
            + id
            + "\"}}}";
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes());
    headers.add("__connect.errors.stage", "task".getBytes());
    if (count != null) {
      headers.add(ReplayCommand.COUNT_HEADER, count.getBytes(StandardCharsets.UTF_8));
    }
    Map<String, Object> props = broker.producerProperties();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, null, timestamp, id, value, headers));
    }
  }

  @Test
  @Timeout(180)
  void replayWithoutYesListsTheChosenFailuresAndProducesNothing(
      KafkaBroker broker, @TempDir Path dir) throws Exception {
    Topics t = topics(broker);
    long now = System.currentTimeMillis();
    fail(broker, t.failures(), "a", "TASK_FAILED", now, null);
    fail(broker, t.failures(), "b", "TASK_EXPIRED", now, null);

    CliProcess.Run run = CliProcess.run(t.env(), dir, "replay", "--code", "TASK_FAILED");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("would replay").contains("a").doesNotContain("  b  ");
    assertThat(run.err()).contains("add --yes");
    assertThat(broker.readToEnd(t.requests(), IsolationLevel.READ_UNCOMMITTED, WAIT)).isEmpty();
  }

  @Test
  @Timeout(180)
  void replayReproducesTheChosenRequestsWithTheirKeyHeadersAndAReplayCount(
      KafkaBroker broker, @TempDir Path dir) throws Exception {
    Topics t = topics(broker);
    long now = System.currentTimeMillis();
    fail(broker, t.failures(), "old", "TASK_FAILED", now - Duration.ofHours(5).toMillis(), null);
    fail(broker, t.failures(), "new-1", "TASK_FAILED", now, null);
    fail(broker, t.failures(), "new-2", "TASK_FAILED", now, "1");
    fail(broker, t.failures(), "other", "INVALID_FIELD", now, null);

    CliProcess.Run run =
        CliProcess.run(t.env(), dir, "replay", "--code", "TASK_FAILED", "--since", "1h", "--yes");

    assertThat(run.exit()).as(run.err()).isZero();
    List<ConsumerRecord<String, String>> replayed =
        broker.readAll(t.requests(), IsolationLevel.READ_UNCOMMITTED, 2, WAIT);
    assertThat(replayed)
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder("new-1", "new-2");
    ConsumerRecord<String, String> first =
        replayed.stream().filter(r -> r.key().equals("new-1")).findFirst().orElseThrow();
    assertThat(first.value())
        .isEqualTo(
            "{\"request_id\":\"new-1\",\"extract\":{\"url\":\"https://www.example.com/new-1\"}}");
    assertThat(header(first, "traceparent")).startsWith("00-0af7651916cd43dd");
    assertThat(header(first, ReplayCommand.COUNT_HEADER)).isEqualTo("1");
    assertThat(first.headers().lastHeader("__connect.errors.stage")).isNull();
    ConsumerRecord<String, String> second =
        replayed.stream().filter(r -> r.key().equals("new-2")).findFirst().orElseThrow();
    assertThat(second.headers().headers(ReplayCommand.COUNT_HEADER)).hasSize(1);
    assertThat(header(second, ReplayCommand.COUNT_HEADER)).isEqualTo("2");
  }

  @Test
  @Timeout(180)
  void aRequestReplayedMaxReplaysTimesIsNotReplayedAgain(KafkaBroker broker, @TempDir Path dir)
      throws Exception {
    Topics t = topics(broker);
    long now = System.currentTimeMillis();
    fail(broker, t.failures(), "loops", "TASK_FAILED", now - 2_000, "2");
    fail(broker, t.failures(), "loops", "TASK_FAILED", now, "3"); // its latest failure
    fail(broker, t.failures(), "fresh", "TASK_FAILED", now, null);

    CliProcess.Run run = CliProcess.run(t.env(), dir, "replay", "--all", "--yes");

    assertThat(run.exit()).as(run.err()).isEqualTo(3);
    assertThat(run.out()).contains("not replayed").contains("loops").contains("--max-replays 3");
    List<ConsumerRecord<String, String>> replayed =
        broker.readAll(t.requests(), IsolationLevel.READ_UNCOMMITTED, 1, WAIT);
    assertThat(replayed).extracting(ConsumerRecord::key).containsExactly("fresh");

    CliProcess.Run raised =
        CliProcess.run(
            t.env(), dir, "replay", "--request-id", "loops", "--max-replays", "4", "--yes");
    assertThat(raised.exit()).as(raised.err()).isZero();
    assertThat(
            broker.readAll(t.requests(), IsolationLevel.READ_UNCOMMITTED, 2, WAIT).stream()
                .filter(r -> r.key().equals("loops"))
                .map(r -> header(r, ReplayCommand.COUNT_HEADER)))
        .containsExactly("4");
  }

  @Test
  @Timeout(60)
  void replayWithoutASelectorIsRefused(@TempDir Path dir) throws Exception {
    CliProcess.Run run = CliProcess.run(Map.of(), dir, "replay");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--request-id").contains("--all");
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
