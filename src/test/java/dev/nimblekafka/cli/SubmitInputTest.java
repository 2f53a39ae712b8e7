package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** submit reads its input line by line, and a bad line is named by its number before it is sent. */
@RealKafka
class SubmitInputTest {
  private static Map<String, String> env(KafkaBroker broker, String requests) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    env.put("REQUESTS_TOPIC", requests);
    return env;
  }

  @Test
  @Timeout(120)
  void submitSendsEachLineAsItIsReadNotAtTheEndOfItsInput(KafkaBroker broker, @TempDir Path dir)
      throws Exception {
    String requests = broker.createTopic(broker.uniqueName("stream") + ".requests", 1);
    CliProcess submit = CliProcess.start(env(broker, requests), dir, List.of(), "submit", "-");
    OutputStream stdin = submit.stdin();
    stdin.write(
        "https://www.example.com/1\nhttps://www.example.com/2\n".getBytes(StandardCharsets.UTF_8));
    stdin.flush();

    // the input is still open: the two lines must be on the topic already
    List<ConsumerRecord<String, String>> sent =
        broker.readAll(requests, IsolationLevel.READ_UNCOMMITTED, 2, Duration.ofSeconds(60));
    assertThat(sent).hasSize(2);
    assertThat(submit.alive()).isTrue();

    stdin.write("https://www.example.com/3\n".getBytes(StandardCharsets.UTF_8));
    stdin.close();
    CliProcess.Run run = submit.await();
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("submitted 3 requests");
  }

  @Test
  @Timeout(120)
  void aBadLineOnStdinStopsThereNamingItsLineNumberAndWhatWasSent(
      KafkaBroker broker, @TempDir Path dir) throws Exception {
    String requests = broker.createTopic(broker.uniqueName("stdin") + ".requests", 1);
    String input =
        "https://www.example.com/1\n# a comment\n\n{\"request_id\":\"r-4\",\"extract\":{\"url\":\"https://a.example\"}}\n"
            + "{\"request_id\":\"r-5\", \"extract\": \n"
            + "https://www.example.com/6\n";

    CliProcess.Run run =
        CliProcess.run(
            env(broker, requests), dir, input.getBytes(StandardCharsets.UTF_8), "submit", "-");

    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("line 5")
        .contains("the 2 requests before it were sent")
        .doesNotContain("line: 1");
    List<ConsumerRecord<String, String>> sent =
        broker.readToEnd(requests, IsolationLevel.READ_UNCOMMITTED, Duration.ofSeconds(30));
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).key()).isEqualTo("r-4");
  }

  @Test
  @Timeout(120)
  void aBadLineInAFileIsNamedByItsNumberAndNothingIsSent(KafkaBroker broker, @TempDir Path dir)
      throws Exception {
    String requests = broker.createTopic(broker.uniqueName("file") + ".requests", 1);
    Path file = dir.resolve("input.txt");
    Files.writeString(
        file,
        "https://www.example.com/1\nhttps://www.example.com/2\n\nnot a url at all\n"
            + "https://www.example.com/5\n");

    CliProcess.Run run = CliProcess.run(env(broker, requests), dir, "submit", file.toString());

    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("line 4")
        .contains("neither a JSON request")
        .contains("nothing was sent");
    assertThat(broker.readToEnd(requests, IsolationLevel.READ_UNCOMMITTED, Duration.ofSeconds(30)))
        .isEmpty();
  }
}
