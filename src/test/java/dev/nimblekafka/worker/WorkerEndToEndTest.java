package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.sim.DurationDistribution;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import dev.nimblekafka.wire.ApiVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The worker end to end against the simulator in each API version: extracts and agents (v2:
 * templates), submitted in batches and alone, tasks that fail, requests Nimble refuses (400, 404)
 * and requests the worker refuses; each outcome carries its request's headers.
 */
@RealKafka
class WorkerEndToEndTest {

  /** What the producer of request {@code id} traces it with (W3C Trace Context). */
  private static String traceparent(String id) {
    return "00-%032x-%016x-01".formatted(id.hashCode() & 0xffffffffL, id.length());
  }

  private static List<Header> headers(String value) {
    String id = value.replaceAll("^\\{\"request_id\":\"([^\"]*)\".*$", "$1");
    return List.of(
        new RecordHeader("traceparent", traceparent(id).getBytes(StandardCharsets.UTF_8)),
        new RecordHeader("tenant", "acme".getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @EnumSource(ApiVersion.class)
  @Timeout(180)
  void everyRequestGetsExactlyOneOutcomeOnTheRightTopic(ApiVersion version, KafkaBroker broker)
      throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    SimConfig simConfig =
        SimConfig.builder()
            .port(0)
            .apiKey(WorkerHarness.API_KEY)
            .maxConcurrentTasks(100)
            .requestsPerSecond(5_000)
            .taskDuration(
                DurationDistribution.uniform(Duration.ofMillis(50), Duration.ofMillis(1_500)))
            .failureRate(0.15)
            .build();
    try (NimbleSimulator sim = NimbleSimulator.start(simConfig);
        WorkerHarness harness =
            new WorkerHarness(
                broker,
                sim,
                4,
                Map.of("TASK_MAX_ATTEMPTS", "2", "NIMBLE_API_VERSION", version.wire()))) {
      Map<String, String> expectedTopic = new HashMap<>();
      Map<String, Integer> refusedWith = new HashMap<>();
      List<String> values = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        String id = "req-" + i;
        String value;
        int kind = i % 20;
        if (kind < 12) {
          value =
              "{\"request_id\":\"%s\",\"extract\":{\"url\":\"https://shop.example/%d\",\"formats\":[\"html\",\"markdown\"],\"x_new\":1},\"metadata\":{\"n\":%d}}"
                  .formatted(id, i, i);
          expectedTopic.put(id, "any");
        } else if (kind < 17) {
          value =
              "{\"request_id\":\"%s\",\"agent\":{\"agent\":\"amazon_pdp\",\"params\":{\"asin\":\"B%07d\"}},\"metadata\":{\"n\":%d}}"
                  .formatted(id, i, i);
          expectedTopic.put(id, "any");
        } else if (kind == 17) {
          // passes the worker's checks (only documented limits) but not Nimble's schema: 400
          value =
              "{\"request_id\":\"%s\",\"extract\":{\"url\":\"https://shop.example/%d\",\"render_options\":\"fast\"},\"metadata\":{\"n\":%d}}"
                  .formatted(id, i, i);
          expectedTopic.put(id, harness.failures);
          refusedWith.put(id, 400);
        } else if (kind == 18) {
          // an agent (v2: template) Nimble does not know: 404
          value =
              "{\"request_id\":\"%s\",\"agent\":{\"agent\":\"no_such_agent\",\"params\":{\"q\":\"x\"}},\"metadata\":{\"n\":%d}}"
                  .formatted(id, i);
          expectedTopic.put(id, harness.failures);
          refusedWith.put(id, 404);
        } else {
          value = invalid(id, i, random);
          expectedTopic.put(id, harness.failures);
        }
        values.add(value);
      }
      harness.startWorker("e2e-1");
      harness.produce(values, WorkerEndToEndTest::headers);

      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(500, Duration.ofSeconds(120), Duration.ofSeconds(2));

      Map<String, List<WorkerHarness.Outcome>> byId =
          outcomes.stream().collect(Collectors.groupingBy(WorkerHarness.Outcome::requestId));
      assertThat(byId.keySet())
          .as("seed " + seed)
          .containsExactlyInAnyOrderElementsOf(expectedTopic.keySet());
      for (Map.Entry<String, List<WorkerHarness.Outcome>> entry : byId.entrySet()) {
        assertThat(entry.getValue()).as("outcomes of " + entry.getKey()).hasSize(1);
        WorkerHarness.Outcome outcome = entry.getValue().get(0);
        assertThat(outcome.key()).isEqualTo(entry.getKey());
        assertThat(outcome.header("traceparent"))
            .as("the request's headers come back on its outcome")
            .isEqualTo(traceparent(entry.getKey()));
        assertThat(outcome.header("tenant")).isEqualTo("acme");
        int n = Integer.parseInt(entry.getKey().substring(4));
        Integer refused = refusedWith.get(entry.getKey());
        if (refused != null) {
          assertThat(outcome.topic()).isEqualTo(harness.failures);
          assertThat(outcome.value().path("stage").asText()).isEqualTo("submit");
          assertThat(outcome.value().path("error").path("http_status").asInt()).isEqualTo(refused);
          assertThat(outcome.value().path("error").path("code").asText())
              .isEqualTo(refused == 400 ? "INVALID_REQUEST" : "NOT_FOUND");
          assertThat(outcome.value().path("metadata").path("n").asInt()).isEqualTo(n);
          assertThat(outcome.header("__connect.errors.stage")).isEqualTo("submit");
          continue;
        }
        if (expectedTopic.get(entry.getKey()).equals(harness.failures)) {
          assertThat(outcome.topic()).isEqualTo(harness.failures);
          assertThat(outcome.value().path("stage").asText()).isIn("parse", "validate");
          assertThat(outcome.header("__connect.errors.topic")).isEqualTo(harness.requests);
          continue;
        }
        assertThat(outcome.value().path("metadata").path("n").asInt()).isEqualTo(n);
        if (outcome.topic().equals(harness.results)) {
          assertThat(outcome.value().path("task_id").asText()).isNotBlank();
          assertThat(outcome.value().path("result").path("task_id").asText())
              .isEqualTo(outcome.value().path("task_id").asText());
          assertThat(outcome.value().path("kind").asText())
              .isEqualTo(n % 20 < 12 ? "extract" : "agent");
        } else {
          assertThat(outcome.value().path("error").path("code").asText()).isEqualTo("TASK_FAILED");
          assertThat(outcome.value().path("attempts").asInt()).isEqualTo(2);
        }
      }
      long results = outcomes.stream().filter(o -> o.topic().equals(harness.results)).count();
      assertThat(results).as("most valid requests succeed").isGreaterThan(350);
      assertThat(sim.stats().duplicateInputsLive()).as("nothing charged twice").isZero();
      assertThat(sim.stats().callsTo("POST " + version.extractBatch()))
          .as("extracts went in batches")
          .isPositive();
      assertThat(sim.stats().callsTo("POST " + version.templateBatch()))
          .as("agents went in batches")
          .isPositive();
      assertThat(sim.stats().callsTo("POST " + version.templateAsync()))
          .as("a refused batch's requests went alone")
          .isPositive();
      assertThat(sim.stats().calls().keySet())
          .as("every call in " + version.wire())
          .allSatisfy(endpoint -> assertThat(endpoint).contains(" /" + version.wire() + "/"));
    }
  }

  private static String invalid(String id, int i, Random random) {
    List<Function<String, String>> kinds =
        List.of(
            x ->
                "{\"request_id\":\""
                    + x
                    + "\",\"extract\":{\"url\":\"https://a.io/"
                    + "x".repeat(2100)
                    + "\"}}",
            x -> "{\"request_id\":\"" + x + "\",\"extract\":{\"url\":\"ftp://a.io\"}}",
            x -> "{\"request_id\":\"" + x + "\"}",
            x ->
                "{\"request_id\":\""
                    + x
                    + "\",\"extract\":{\"url\":\"https://a.io\",\"request_timeout\":999999}}",
            x ->
                "{\"request_id\":\"" + x + "\",\"agent\":{\"agent\":\"amazon_pdp\",\"params\":{}}}",
            x ->
                "{\"request_id\":\""
                    + x
                    + "\",\"extract\":{\"url\":\"https://a.io\",\"storage_type\":\"s3\"}}");
    return kinds.get(random.nextInt(kinds.size())).apply(id);
  }
}
