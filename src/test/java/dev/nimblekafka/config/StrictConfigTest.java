package dev.nimblekafka.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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

/**
 * CONFIG_STRICT=true refuses unknown names; without it they are warnings, now also for names that
 * look like ours without one of the shared prefixes.
 */
class StrictConfigTest {
  private static final String VALUE = "v4lue-Hq2Jd5"; // might be a secret: never printed

  private static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("NIMBLE_API_KEY", "sk-strict-test");
    return env;
  }

  private static List<String> warningsFor(Map<String, String> extra) {
    try (LogCapture logs = LogCapture.start(Map.of("dev.nimblekafka.config", Level.INFO))) {
      ConfigLoader.load(env(extra), Optional.empty());
      return logs.lines().stream().filter(l -> l.startsWith("WARN")).toList();
    }
  }

  @Test
  void strictConfigRefusesEachUnknownNameNamingTheClosestKnownOne(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("worker.properties");
    Files.writeString(file, "batch.linger=" + VALUE + "\n");
    Map<String, String> extra =
        Map.of("CONFIG_STRICT", "true", "NIMBLE_QSP", VALUE, "REQUEST_TOPIC", VALUE);

    Throwable error = catchThrowable(() -> ConfigLoader.load(env(extra), Optional.of(file)));

    assertThat(error).isInstanceOf(ConfigException.class);
    assertThat(((ConfigException) error).problems())
        .anySatisfy(p -> assertThat(p).contains("NIMBLE_QSP").contains("NIMBLE_QPS"))
        .anySatisfy(p -> assertThat(p).contains("REQUEST_TOPIC").contains("REQUESTS_TOPIC"))
        .anySatisfy(p -> assertThat(p).contains("batch.linger").contains("BATCH_LINGER"));
    assertThat(error.getMessage()).contains("CONFIG_STRICT").doesNotContain(VALUE);
  }

  @Test
  void strictConfigAlsoRefusesUnknownNamesInTheCommandLineTools() {
    ConfigSource source =
        ConfigSource.of(Map.of("CONFIG_STRICT", "true", "RESULT_TOPIC", "x"), Optional.empty());

    Throwable error = catchThrowable(() -> ConfigLoader.loadClient(source));

    assertThat(error)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("RESULT_TOPIC")
        .hasMessageContaining("RESULTS_TOPIC");
  }

  @Test
  void strictConfigAcceptsKnownNamesAndOtherSoftwaresVariables() {
    WorkerConfig config =
        ConfigLoader.load(
            env(
                Map.of(
                    "CONFIG_STRICT", "true",
                    "PATH", "/usr/bin",
                    "HTTP_PROXY", "http://proxy:3128",
                    "KAFKA_SERVICE_HOST", "10.0.0.7",
                    "NIMBLE_QPS", "20")),
            Optional.empty());
    assertThat(config.resilience().callsPerSecond()).isEqualTo(20);
  }

  @Test
  void namesThatLookLikeOursWithoutAKnownPrefixAreWarned() {
    List<String> warnings =
        warningsFor(
            Map.of(
                "REQUEST_TOPIC", VALUE,
                "HTTP_PROT", VALUE,
                "COMMIT_INTERVALL", VALUE,
                "PROCESSING_GUARANTE", VALUE,
                "CREATE_TOPIC", VALUE,
                "SOME_INTERVAL", VALUE,
                "OTHER_TIMEOUT", VALUE));
    assertThat(warnings)
        .anySatisfy(w -> assertThat(w).contains("REQUEST_TOPIC").contains("REQUESTS_TOPIC?"))
        .anySatisfy(w -> assertThat(w).contains("HTTP_PROT").contains("HTTP_PORT?"))
        .anySatisfy(w -> assertThat(w).contains("COMMIT_INTERVALL").contains("COMMIT_INTERVAL?"))
        .anySatisfy(
            w -> assertThat(w).contains("PROCESSING_GUARANTE").contains("PROCESSING_GUARANTEE?"))
        .anySatisfy(w -> assertThat(w).contains("CREATE_TOPIC;").contains("CREATE_TOPICS?"))
        .anySatisfy(w -> assertThat(w).contains("SOME_INTERVAL"))
        .anySatisfy(w -> assertThat(w).contains("OTHER_TIMEOUT"))
        .allSatisfy(w -> assertThat(w).doesNotContain(VALUE));
  }

  @Test
  void aCommandLineToolDoesNotWarnAboutAnotherProgramsTimeoutVariable() {
    Map<String, String> shell = env(Map.of("PIP_DEFAULT_TIMEOUT", VALUE, "NIMBLE_QSP", VALUE));
    try (LogCapture logs = LogCapture.start(Map.of("dev.nimblekafka.config", Level.INFO))) {
      ConfigLoader.loadClient(ConfigSource.of(shell, Optional.empty()));
      List<String> warnings = logs.lines().stream().filter(l -> l.startsWith("WARN")).toList();
      assertThat(warnings).noneSatisfy(w -> assertThat(w).contains("PIP_DEFAULT_TIMEOUT"));
      assertThat(warnings).anySatisfy(w -> assertThat(w).contains("NIMBLE_QSP"));
    }
  }

  @Test
  void aCommonEnvironmentIsNotWarned() {
    Map<String, String> common = new HashMap<>();
    for (String name :
        List.of(
            "PATH",
            "HOME",
            "HOSTNAME",
            "LANG",
            "TERM",
            "PWD",
            "SHLVL",
            "USER",
            "SHELL",
            "JAVA_HOME",
            "JAVA_OPTS",
            "JAVA_TOOL_OPTIONS",
            "JAVA_VERSION",
            "MAVEN_OPTS",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "NO_PROXY",
            "TZ",
            "OTEL_SERVICE_NAME",
            "KUBERNETES_SERVICE_HOST",
            "KUBERNETES_SERVICE_PORT")) {
      common.put(name, "x");
    }
    assertThat(warningsFor(common)).isEmpty();
  }

  @Test
  void aBadConfigStrictValueIsNamed() {
    Throwable error =
        catchThrowable(
            () -> ConfigLoader.load(env(Map.of("CONFIG_STRICT", "maybe")), Optional.empty()));
    assertThat(error).isInstanceOf(ConfigException.class).hasMessageContaining("CONFIG_STRICT");
  }
}
