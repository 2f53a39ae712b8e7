package dev.nimblekafka.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.nimblekafka.testkit.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A setting nobody reads is a warning that names the setting probably meant. */
class UnknownSettingsTest {
  private static final String VALUE = "v4lue-Zq8Rk2"; // might be a secret: never printed

  private static List<String> warningsFor(Map<String, String> env, Optional<Path> file) {
    Map<String, String> all = new HashMap<>(env);
    all.put("NIMBLE_API_KEY", "sk-unknown-test");
    try (LogCapture logs = LogCapture.start(Map.of("dev.nimblekafka.config", Level.INFO))) {
      ConfigLoader.load(all, file);
      return logs.lines().stream().filter(l -> l.startsWith("WARN")).toList();
    }
  }

  @Test
  void aMisspelledSettingIsWarnedWithTheClosestKnownName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("worker.properties");
    Files.writeString(file, "NIMBLE_QSP=" + VALUE + "\nbatch.linger=" + VALUE + "\n");
    List<String> warnings =
        warningsFor(
            Map.of(
                "MAX_PENDING_TASK", VALUE,
                "CALLBACK_SAFTEY_INTERVAL", VALUE,
                "KAFKA_SECURITY_PROTOKOL", VALUE),
            Optional.of(file));
    assertThat(warnings)
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("unknown setting MAX_PENDING_TASK; did you mean MAX_PENDING_TASKS?"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains(
                        "unknown setting CALLBACK_SAFTEY_INTERVAL; did you mean CALLBACK_SAFETY_INTERVAL?"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("unknown setting KAFKA_SECURITY_PROTOKOL")
                    .contains("did you mean KAFKA_SECURITY_PROTOCOL?"))
        .anySatisfy(
            w -> assertThat(w).contains("unknown setting NIMBLE_QSP").contains("NIMBLE_QPS?"))
        .anySatisfy(
            w -> assertThat(w).contains("unknown setting batch.linger").contains("BATCH_LINGER?"))
        .allSatisfy(w -> assertThat(w).doesNotContain(VALUE));
  }

  @Test
  void otherSoftwaresVariablesAndServiceLinksAreNotWarned() {
    List<String> warnings =
        warningsFor(
            Map.of(
                "PATH", "/usr/bin",
                "HTTP_PROXY", "http://proxy:3128",
                "KAFKA_PORT", "tcp://10.0.0.7:9092",
                "KAFKA_PORT_9092_TCP_ADDR", "10.0.0.7",
                "KAFKA_SERVICE_HOST", "10.0.0.7",
                "NIMBLE_KAFKA_WORKER_SERVICE_PORT", "8080",
                "NIMBLE_KAFKA_WORKER_PORT_8080_TCP", "tcp://10.0.0.8:8080",
                "LOG_LEVEL", "INFO",
                "MAX_PENDING_TASKS", "5"),
            Optional.empty());
    assertThat(warnings).isEmpty();
  }
}
