package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Where the command-line tools take their settings from, and how they report what is wrong. */
@RealKafka
class CommandLineConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @Timeout(150)
  void submitStatusAndTailReadSaslSettingsFromThePropertiesFile(
      KafkaBroker broker, @TempDir Path dir) throws Exception {
    assumeTrue(broker.supportsSasl(), "needs the SASL listener of the in-process broker");
    String prefix = broker.uniqueName("cli-file");
    String requests = broker.createTopic(prefix + ".requests", 1);
    String results = broker.createTopic(prefix + ".results", 1);
    Map<String, String> file = new HashMap<>();
    file.putAll(broker.saslEnvironment(KafkaBroker.SASL_USERNAME, KafkaBroker.SASL_PASSWORD));
    file.put("REQUESTS_TOPIC", requests);
    file.put("RESULTS_TOPIC", results);
    file.put("FAILURES_TOPIC", broker.createTopic(prefix + ".failures", 1));
    file.put("STATE_TOPIC", broker.createTopic(prefix + ".state", 1, KafkaBroker.COMPACTED));
    file.put("WORKER_GROUP_ID", prefix + "-group");
    Path properties = write(dir.resolve("worker.properties"), file);
    Path input = dir.resolve("input.txt");
    Files.writeString(input, "https://www.example.com/file\n");

    CliProcess.Run submit =
        CliProcess.run(
            Map.of(), dir, "submit", "--config", properties.toString(), input.toString());
    assertThat(submit.exit()).as(submit.err()).isZero();
    assertThat(submit.err()).contains("submitted 1 requests to " + requests);

    broker.produce(results, "r-1", "{\"request_id\":\"r-1\",\"kind\":\"extract\",\"result\":{}}");
    Map<String, String> env = Map.of("WORKER_CONFIG_FILE", properties.toString());
    CliProcess.Run tail = CliProcess.run(env, dir, "tail", "--from-beginning", "--max", "1");
    assertThat(tail.exit()).as(tail.err()).isZero();
    assertThat(tail.out()).contains("OK      r-1");

    CliProcess.Run status =
        CliProcess.run(Map.of(), dir, "status", "--json", "--config", properties.toString());
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(JSON.readTree(status.out()).path("group").asText()).isEqualTo(prefix + "-group");

    for (CliProcess.Run run : List.of(submit, tail, status)) {
      assertThat(run.out() + run.err()).doesNotContain(KafkaBroker.SASL_PASSWORD);
    }
  }

  @Test
  @Timeout(150)
  void logFormatAndLevelFromThePropertiesFileTakeEffect(KafkaBroker broker, @TempDir Path dir)
      throws Exception {
    String requests = broker.uniqueTopic("cli-log");
    Path empty = Files.writeString(dir.resolve("empty.txt"), "# nothing\n");
    // the production logging configuration, not the tests' logback-test.xml
    List<String> jvm =
        List.of(
            "-Dlogback.configurationFile="
                + CommandLineConfigTest.class.getResource("/logback.xml").toURI());
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    env.put("REQUESTS_TOPIC", requests);
    env.put("KAFKA_NOT_A_SETTING", "whatever"); // always logged as a warning
    env.put(
        "WORKER_CONFIG_FILE",
        write(dir.resolve("json.properties"), Map.of("LOG_FORMAT", "json")).toString());

    CliProcess.Run json = CliProcess.start(env, dir, jvm, "submit", empty.toString()).await();
    assertThat(json.exit()).as(json.err()).isZero();
    assertThat(json.err().lines().filter(l -> l.contains("KAFKA_NOT_A_SETTING")))
        .isNotEmpty()
        .allSatisfy(
            line -> assertThat(JSON.readTree(line).path("level").asText()).isEqualTo("WARN"));

    env.put(
        "WORKER_CONFIG_FILE",
        write(dir.resolve("quiet.properties"), Map.of("LOG_FORMAT", "json", "LOG_LEVEL", "ERROR"))
            .toString());
    CliProcess.Run quiet = CliProcess.start(env, dir, jvm, "submit", empty.toString()).await();
    assertThat(quiet.exit()).as(quiet.err()).isZero();
    assertThat(quiet.err()).doesNotContain("KAFKA_NOT_A_SETTING");

    env.put("LOG_FORMAT", "plain"); // the environment wins over the file
    env.put("WORKER_CONFIG_FILE", dir.resolve("json.properties").toString());
    CliProcess.Run plain = CliProcess.start(env, dir, jvm, "submit", empty.toString()).await();
    assertThat(plain.exit()).as(plain.err()).isZero();
    assertThat(plain.err().lines().filter(l -> l.contains("KAFKA_NOT_A_SETTING")))
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).doesNotStartWith("{").contains("WARN"));
  }

  @Test
  @Timeout(150)
  void anUnreachableBrokerOrAMissingFileIsOneLineNotAStackTrace(@TempDir Path dir)
      throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Map<String, String> env =
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closed,
            "KAFKA_REQUEST_TIMEOUT_MS", "1000",
            "KAFKA_DEFAULT_API_TIMEOUT_MS", "2000");
    Path input = Files.writeString(dir.resolve("input.txt"), "https://www.example.com/x\n");
    for (String[] args :
        List.of(
            new String[] {"tail"},
            new String[] {"status"},
            new String[] {"submit", input.toString(), "--wait"},
            new String[] {"submit", dir.resolve("missing.txt").toString()})) {
      CliProcess.Run run = CliProcess.run(env, dir, args);
      assertThat(run.exit()).as(String.join(" ", args) + ": " + run.err()).isNotZero();
      assertThat(run.err().strip().lines()).as(String.join(" ", args)).hasSize(1);
      assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception in");
    }
  }

  private static Path write(Path path, Map<String, String> values) throws Exception {
    Properties properties = new Properties();
    properties.putAll(values);
    try (Writer out = Files.newBufferedWriter(path)) {
      properties.store(out, null);
    }
    return path;
  }
}
