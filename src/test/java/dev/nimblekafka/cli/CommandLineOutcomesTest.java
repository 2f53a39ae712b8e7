package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How {@code submit --wait} and {@code tail} read the outcome topics. */
@RealKafka
class CommandLineOutcomesTest {

  @Test
  @Timeout(150)
  void submitWaitWaitsForOutcomeTopicsThatDoNotExistYet(KafkaBroker broker, @TempDir Path dir)
      throws Exception {
    String prefix = broker.uniqueName("cli-wait");
    String results = prefix + ".results";
    String failures = prefix + ".failures";
    Map<String, String> env =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            broker.bootstrapServers(),
            "REQUESTS_TOPIC",
            broker.createTopic(prefix + ".requests", 1),
            "RESULTS_TOPIC",
            results,
            "FAILURES_TOPIC",
            failures);
    Path input = dir.resolve("input.jsonl");
    Files.writeString(
        input,
        "{\"request_id\":\"w-1\",\"extract\":{\"url\":\"https://www.example.com/1\"}}\n"
            + "{\"request_id\":\"w-2\",\"extract\":{\"url\":\"https://www.example.com/2\"}}\n");

    CliProcess submit =
        CliProcess.start(
            env, dir, List.of(), "submit", input.toString(), "--wait", "--timeout", "90s");
    await("submit says it waits, or ends")
        .atMost(Duration.ofSeconds(60))
        .until(() -> submit.errSoFar().contains("waiting") || !submit.alive());
    assertThat(submit.errSoFar())
        .contains("submitted 2 requests")
        .contains("waiting for")
        .contains(results)
        .contains(failures);

    // the worker would create the topics now and publish outcomes into them
    broker.createTopic(results, 2);
    broker.createTopic(failures, 1);
    broker.produce(results, "w-1", "{\"request_id\":\"w-1\",\"kind\":\"extract\",\"result\":{}}");
    broker.produce(
        failures,
        "w-2",
        "{\"request_id\":\"w-2\",\"stage\":\"nimble\",\"error\":{\"code\":\"X\"}}");

    CliProcess.Run run = submit.await();
    assertThat(run.exit()).as("w-2 failed: " + run.err()).isEqualTo(ExitCodes.REQUESTS_FAILED);
    assertThat(run.err()).contains("1 result, 1 failure, 0 still pending");
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.out().lines()).hasSize(2);
  }

  @Test
  @Timeout(120)
  void tailMaxPrintsExactlyThatManyOutcomes(KafkaBroker broker, @TempDir Path dir)
      throws Exception {
    String prefix = broker.uniqueName("cli-tail");
    String results = broker.createTopic(prefix + ".results", 1);
    Map<String, String> env =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
            "RESULTS_TOPIC", results,
            "FAILURES_TOPIC", broker.createTopic(prefix + ".failures", 1));
    for (int i = 0; i < 10; i++) {
      broker.produce(results, "t-" + i, "{\"request_id\":\"t-" + i + "\",\"result\":{}}");
    }

    CliProcess.Run tail = CliProcess.run(env, dir, "tail", "--from-beginning", "--max", "3");

    assertThat(tail.exit()).as(tail.err()).isZero();
    assertThat(tail.out().lines()).hasSize(3);
    assertThat(tail.out()).contains("t-0").contains("t-2").doesNotContain("t-3");
  }
}
