package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The {@code sim} command line and the configuration it builds. */
@Timeout(30)
class SimCommandTest {

  private static SimConfig configOf(Map<String, String> env, String... args) {
    SimCommand command = new SimCommand();
    new CommandLine(command).parseArgs(args);
    return command.toConfig(env);
  }

  @Test
  void optionsBuildTheConfiguration() {
    SimConfig config =
        configOf(
            Map.of(),
            "--port",
            "0",
            "--host",
            "127.0.0.1",
            "--api-key",
            "k",
            "--plan",
            "growth",
            "--duration",
            "uniform:1s..3s",
            "--failure-rate",
            "0.05",
            "--states",
            "v2",
            "--qps",
            "10",
            "--pending-expiry",
            "2s",
            "--retention",
            "1.5s",
            "--result-size",
            "2MB",
            "--latency",
            "250ms",
            "--error-rate",
            "0.1",
            "--error-status",
            "503",
            "--storm",
            "5s",
            "--storm-retry-after",
            "1h",
            "--payment",
            "1m",
            "--payment-msg",
            "limit reached");

    assertThat(config.port()).isZero();
    assertThat(config.apiKey()).isEqualTo("k");
    assertThat(config.maxConcurrentTasks()).isEqualTo(50);
    assertThat(config.taskDuration())
        .isEqualTo(DurationDistribution.uniform(Duration.ofSeconds(1), Duration.ofSeconds(3)));
    assertThat(config.failureRate()).isEqualTo(0.05);
    assertThat(config.states()).isEqualTo(StateVocabulary.V2);
    assertThat(config.requestsPerSecond()).isEqualTo(10);
    assertThat(config.pendingExpiry()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.retention()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.resultSizeBytes()).isEqualTo(2L * 1024 * 1024);
    assertThat(config.faults().latency()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.faults().errorStatus()).isEqualTo(503);
    assertThat(config.faults().storm()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.faults().stormRetryAfter()).isEqualTo(Duration.ofHours(1));
    assertThat(config.faults().payment()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.faults().paymentMessage()).isEqualTo("limit reached");
  }

  @Test
  void theDefaultsFollowNimblesDocumentedLimits() {
    SimConfig config = configOf(Map.of());

    assertThat(config.apiKey()).isNull();
    assertThat(config.maxConcurrentTasks()).isEqualTo(100);
    assertThat(config.requestsPerSecond()).isEqualTo(83);
    assertThat(config.pendingExpiry()).isEqualTo(Duration.ofHours(24));
    assertThat(config.retention()).isEqualTo(Duration.ofHours(48));
    assertThat(config.states()).isEqualTo(StateVocabulary.NIMBLE_DOCS);
    assertThat(config.faults()).isEqualTo(FaultSettings.NONE);
  }

  @Test
  void theApiKeyComesFromTheEnvironmentUnlessGiven() {
    assertThat(configOf(Map.of("NIMBLE_API_KEY", "from-env")).apiKey()).isEqualTo("from-env");
    assertThat(configOf(Map.of("NIMBLE_API_KEY", "from-env"), "--api-key", "given").apiKey())
        .isEqualTo("given");
    assertThat(configOf(Map.of("NIMBLE_API_KEY", "")).apiKey()).isNull();
    assertThat(configOf(Map.of(), "--api-key", "secret").toString())
        .doesNotContain("secret")
        .contains("apiKey=****");
  }

  @Test
  void plansAreNamedOrNumbered() {
    assertThat(SimConfig.planConcurrency("starter")).isEqualTo(10);
    assertThat(SimConfig.planConcurrency("Growth")).isEqualTo(50);
    assertThat(SimConfig.planConcurrency("pro")).isEqualTo(100);
    assertThat(SimConfig.planConcurrency("7")).isEqualTo(7);
    assertThatThrownBy(() -> SimConfig.planConcurrency("enterprise"))
        .hasMessageContaining("plan")
        .hasMessageContaining("enterprise");
  }

  @Test
  void durationDistributionsParseAndSampleWithinTheirBounds() {
    SplittableRandom random = new SplittableRandom(42);
    DurationDistribution fixed = DurationDistribution.parse("2s");
    DurationDistribution uniform = DurationDistribution.parse("uniform:100ms..300ms");
    DurationDistribution logNormal = DurationDistribution.parse("lognormal:2s,0.5");

    assertThat(fixed.sampleMillis(random)).isEqualTo(2000);
    assertThat(DurationDistribution.parse("0").sampleMillis(random)).isZero();
    for (int i = 0; i < 1000; i++) {
      assertThat(uniform.sampleMillis(random)).isBetween(100L, 300L);
      assertThat(logNormal.sampleMillis(random)).isBetween(0L, 200_000L);
    }
    long[] samples = new long[1001];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = logNormal.sampleMillis(random);
    }
    java.util.Arrays.sort(samples);
    assertThat(samples[500]).isBetween(1700L, 2300L);
    assertThat(DurationDistribution.parse(uniform.spec())).isEqualTo(uniform);
    assertThat(DurationDistribution.parse(logNormal.spec())).isEqualTo(logNormal);
    assertThatThrownBy(() -> DurationDistribution.parse("uniform:3s..1s"))
        .hasMessageContaining("maximum");
    assertThatThrownBy(() -> DurationDistribution.parse("soon")).hasMessageContaining("soon");
    assertThatThrownBy(() -> DurationDistribution.parse("poisson:2s"))
        .hasMessageContaining("poisson");
  }

  @Test
  void configurationErrorsNameTheSettingAndTheValue() {
    assertThatThrownBy(() -> SimConfig.builder().maxConcurrentTasks(0).build())
        .hasMessage("maxConcurrentTasks must be >= 1 but was 0");
    assertThatThrownBy(() -> SimConfig.builder().failureRate(1.5).build())
        .hasMessage("failureRate must be in [0, 1] but was 1.5");
    assertThatThrownBy(() -> configOf(Map.of(), "--retention", "forever"))
        .hasMessageContaining("--retention")
        .hasMessageContaining("forever");
    assertThatThrownBy(() -> configOf(Map.of(), "--states", "classic"))
        .hasMessageContaining("--states");
  }

  @Test
  void portZeroPrintsTheChosenPortAndTheSimulatorAnswers() throws Exception {
    SimCommand command = new SimCommand();
    StringWriter out = new StringWriter();
    CommandLine line = new CommandLine(command).setOut(new PrintWriter(out, true));
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> line.execute("--port", "0", "--host", "127.0.0.1"));

    Pattern listening = Pattern.compile("listening on port (\\d+)");
    await().atMost(Duration.ofSeconds(10)).until(() -> listening.matcher(out.toString()).find());
    Matcher m = listening.matcher(out.toString());
    assertThat(m.find()).isTrue();
    int port = Integer.parseInt(m.group(1));
    assertThat(port).isPositive();
    SimHttp http = new SimHttp("http://127.0.0.1:" + port, "any");
    assertThat(http.get("/sim/health").status()).isEqualTo(200);
    assertThat(http.get("/v1/tasks").status()).isEqualTo(200);

    command.stop();
    assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void aBadOptionValueExitsWithUsageError() {
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new SimCommand())
            .setErr(new PrintWriter(err, true))
            .execute("--port", "0", "--duration", "soon");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--duration").contains("soon");
  }

  @Test
  void helpDocumentsTheSyntaxes() {
    String help = new CommandLine(new SimCommand()).getUsageMessage();

    assertThat(help)
        .contains("--duration")
        .contains("uniform:1s..3s")
        .contains("lognormal:2s,0.5")
        .contains("--plan")
        .contains("--states")
        .contains("NIMBLE_API_KEY")
        .contains("/sim/faults");
  }
}
