package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the production logging configuration (logback.xml) writes: the worker's log lines on
 * stdout, the tools' on stderr; JSON lines carry {@code severity} beside {@code level}.
 */
class LogStreamsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonLinesCarryASeverityThatLogCollectorsRead() throws Exception {
    LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    SeverityJsonEncoder encoder = new SeverityJsonEncoder();
    encoder.setContext(context);
    encoder.setWithFormattedMessage(true); // as logback.xml configures it
    encoder.start();
    Map<Level, String> expected =
        Map.of(
            Level.ERROR, "ERROR",
            Level.WARN, "WARNING",
            Level.INFO, "INFO",
            Level.DEBUG, "DEBUG",
            Level.TRACE, "DEBUG");
    for (Map.Entry<Level, String> e : expected.entrySet()) {
      LoggingEvent event =
          new LoggingEvent(
              LogStreamsTest.class.getName(),
              context.getLogger("dev.nimblekafka.Test"),
              e.getKey(),
              "a \"quoted\" message",
              null,
              null);
      String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
      assertThat(line).endsWith("\n").startsWith("{\"severity\":");
      JsonNode json = JSON.readTree(line);
      assertThat(json.path("severity").asText()).isEqualTo(e.getValue());
      assertThat(json.path("level").asText()).isEqualTo(e.getKey().toString());
      assertThat(json.path("formattedMessage").asText()).isEqualTo("a \"quoted\" message");
    }
  }

  @Test
  @Timeout(150)
  void theWorkerLogsToStdoutAndTheToolsToStderr(@TempDir Path dir) throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    List<String> jvm =
        List.of(
            "-Dlogback.configurationFile="
                + LogStreamsTest.class.getResource("/logback.xml").toURI());
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closed);
    env.put("KAFKA_REQUEST_TIMEOUT_MS", "1000");
    env.put("KAFKA_DEFAULT_API_TIMEOUT_MS", "2000");
    env.put("KAFKA_NOT_A_SETTING", "whatever"); // always logged as a warning
    env.put("NIMBLE_API_KEY", "sk-log-streams-3c9e");
    env.put("HTTP_PORT", "0");
    env.put("ADMIN_PORT", "0");
    env.put("LOG_FORMAT", "json");

    // no broker answers: the worker warns, then cannot start (exit 2)
    CliProcess.Run worker = CliProcess.start(env, dir, jvm, "worker").await();
    assertThat(worker.exit()).as(worker.err()).isEqualTo(2);
    assertThat(worker.out().lines().filter(l -> l.contains("KAFKA_NOT_A_SETTING")))
        .as("the worker's log lines on stdout:\n" + worker.out())
        .hasSize(1)
        .allSatisfy(
            line -> {
              JsonNode json = JSON.readTree(line);
              assertThat(json.path("severity").asText()).isEqualTo("WARNING");
              assertThat(json.path("level").asText()).isEqualTo("WARN");
            });
    assertThat(worker.err()).doesNotContain("KAFKA_NOT_A_SETTING").contains("Cannot start");
    assertThat(worker.out() + worker.err()).doesNotContain("sk-log-streams-3c9e");

    Path empty = Files.writeString(dir.resolve("empty.txt"), "# nothing\n");
    CliProcess.Run submit = CliProcess.start(env, dir, jvm, "submit", empty.toString()).await();
    assertThat(submit.err().lines().filter(l -> l.contains("KAFKA_NOT_A_SETTING")))
        .as("a tool's log lines on stderr:\n" + submit.err())
        .hasSize(1)
        .allSatisfy(
            line -> assertThat(JSON.readTree(line).path("severity").asText()).isEqualTo("WARNING"));
    assertThat(submit.out()).doesNotContain("KAFKA_NOT_A_SETTING");
  }
}
