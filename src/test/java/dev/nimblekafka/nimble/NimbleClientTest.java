package dev.nimblekafka.nimble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.sim.StateVocabulary;
import dev.nimblekafka.wire.ApiVersion;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The typed client against the simulator over real HTTP: every endpoint, every error class, in both
 * API versions.
 */
@Timeout(60)
class NimbleClientTest {
  private static final String KEY = "sk-client-test-71d2";
  private final ObjectMapper json = new ObjectMapper();
  private NimbleSimulator sim;
  private NimbleClient client;

  private NimbleClient start(SimConfig.Builder config, Duration requestTimeout, ApiVersion version)
      throws Exception {
    sim = NimbleSimulator.start(config.port(0).apiKey(KEY).build());
    client =
        new NimbleClient(
            new NimbleClientSettings(
                URI.create(sim.baseUrl()),
                ApiKey.of(KEY),
                Duration.ofSeconds(2),
                requestTimeout,
                version),
            json);
    return client;
  }

  private NimbleClient start(SimConfig.Builder config, ApiVersion version) throws Exception {
    return start(config, Duration.ofSeconds(10), version);
  }

  /** Every endpoint the simulator was called at is under the version's prefix. */
  private void onlyCalled(ApiVersion version) {
    assertThat(sim.stats().calls().keySet())
        .isNotEmpty()
        .allSatisfy(endpoint -> assertThat(endpoint).contains(" /" + version.wire() + "/"));
  }

  static List<Arguments> versionsAndVocabularies() {
    return Arrays.stream(ApiVersion.values())
        .flatMap(v -> Arrays.stream(StateVocabulary.values()).map(s -> Arguments.of(v, s)))
        .toList();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private JsonNode body(String text) throws Exception {
    return json.readTree(text);
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(20, TimeUnit.SECONDS);
  }

  private static NimbleException failure(CompletableFuture<?> future) {
    try {
      future.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return NimbleException.of(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the call succeeded");
  }

  @ParameterizedTest
  @MethodSource("versionsAndVocabularies")
  void anExtractTaskRunsToItsResultsInEveryStateVocabulary(
      ApiVersion version, StateVocabulary states) throws Exception {
    start(SimConfig.builder().taskDuration(Duration.ofMillis(200)).states(states), version);
    TaskInfo created =
        get(
            client.submitExtract(
                body(
                    "{\"url\":\"https://www.example.com\",\"formats\":[\"markdown\"],\"future_field\":1}")));
    assertThat(created.id()).isNotBlank();
    assertThat(created.state()).isIn(TaskState.PENDING, TaskState.RUNNING);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(client.task(created.id())).state() == TaskState.SUCCEEDED);
    TaskResults results = get(client.results(created.id(), 10_000_000));
    assertThat(results.tooLarge()).isFalse();
    JsonNode result = json.readTree(results.body());
    assertThat(result.path("task_id").asText()).isEqualTo(created.id());
    assertThat(result.path("data").has("markdown")).isTrue();
    assertThat(results.url()).endsWith(version.taskResults(created.id()));
    assertThat(client.resultsUrl(created.id())).isEqualTo(results.url());
    onlyCalled(version);
  }

  @ParameterizedTest
  @EnumSource(ApiVersion.class)
  void agentsAndBatchesAndBatchProgress(ApiVersion version) throws Exception {
    start(SimConfig.builder().taskDuration(Duration.ofMillis(100)), version);
    TaskInfo agent =
        get(
            client.submitAgent(
                body("{\"agent\":\"google_search\",\"params\":{\"query\":\"kafka\"}}")));
    assertThat(agent.id()).isNotBlank();
    BatchSubmission batch =
        get(
            client.submitExtractBatch(
                body(
                    "{\"inputs\":[{\"url\":\"https://a.example\"},{\"url\":\"https://b.example\"}],"
                        + "\"shared_inputs\":{\"formats\":[\"html\"]}}")));
    assertThat(batch.tasks()).hasSize(2);
    assertThat(batch.batchId()).isNotBlank();
    BatchSubmission agents =
        get(
            client.submitAgentBatch(
                body(
                    "{\"inputs\":[{\"params\":{\"asin\":\"B1\"}},{\"params\":{\"asin\":\"B2\"}}],"
                        + "\"shared_inputs\":{\"agent\":\"amazon_pdp\"}}")));
    assertThat(agents.tasks()).extracting(TaskInfo::id).doesNotContainNull();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(client.batchProgress(batch.batchId())).completed());
    BatchProgress progress = get(client.batchProgress(batch.batchId()));
    assertThat(progress.completedCount()).isEqualTo(2);
    assertThat(progress.progress()).isEqualTo(1.0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(client.batchProgress(agents.batchId())).completed());
    assertThat(get(client.batchTasks(agents.batchId())))
        .as("the batch read lists every task with its state")
        .extracting(TaskInfo::id, TaskInfo::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(agents.tasks().get(0).id(), TaskState.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple(agents.tasks().get(1).id(), TaskState.SUCCEEDED));
    JsonNode result = json.readTree(get(client.results(agent.id(), 10_000_000)).body());
    assertThat(result.path("data").path("parsing").isMissingNode()).isFalse();
    assertThat(sim.stats().callsTo("POST " + version.templateAsync())).isEqualTo(1);
    assertThat(sim.stats().callsTo("POST " + version.templateBatch())).isEqualTo(1);
    assertThat(sim.stats().callsTo("POST " + version.extractBatch())).isEqualTo(1);
    onlyCalled(version);
  }

  @Test
  void v2NamesTheAgentTemplateAndKeepsEveryOtherField() throws Exception {
    start(SimConfig.builder(), ApiVersion.V2);
    JsonNode sent =
        body(
            "{\"formats\":[\"html\"],\"agent\":\"amazon_pdp\",\"params\":{\"asin\":\"B1\"},"
                + "\"future_field\":{\"a\":1}}");
    JsonNode renamed = client.templateBody(sent);
    assertThat(renamed.toString())
        .isEqualTo(
            "{\"formats\":[\"html\"],\"template\":\"amazon_pdp\",\"params\":{\"asin\":\"B1\"},"
                + "\"future_field\":{\"a\":1}}");
    assertThat(sent.has("agent")).as("the request's own body is not changed").isTrue();
    // v2 requires template: the simulator creates the task only if the client renamed agent
    TaskInfo created = get(client.submitAgent(sent));
    assertThat(created.id()).isNotBlank();
    assertThat(sim.stats().calls("POST /v2/extract/templates/async", 200)).isEqualTo(1);
    JsonNode batch =
        body(
            "{\"inputs\":[{\"params\":{\"asin\":\"B1\"}}],"
                + "\"shared_inputs\":{\"agent\":\"amazon_pdp\",\"x\":1}}");
    assertThat(get(client.submitAgentBatch(batch)).tasks()).hasSize(1);
    assertThat(batch.path("shared_inputs").has("agent")).isTrue();
  }

  @ParameterizedTest
  @EnumSource(ApiVersion.class)
  void aResultOverTheLimitIsNotDownloaded(ApiVersion version) throws Exception {
    start(
        SimConfig.builder().taskDuration(Duration.ofMillis(50)).resultSizeBytes(2_000_000),
        version);
    TaskInfo created = get(client.submitExtract(body("{\"url\":\"https://big.example\"}")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(client.task(created.id())).state() == TaskState.SUCCEEDED);
    TaskResults results = get(client.results(created.id(), 100_000));
    assertThat(results.tooLarge()).isTrue();
    assertThat(results.size()).isGreaterThan(100_000);
  }

  @ParameterizedTest
  @EnumSource(ApiVersion.class)
  void terminalErrors(ApiVersion version) throws Exception {
    start(SimConfig.builder(), version);
    NimbleException invalid =
        failure(client.submitExtract(body("{\"url\":\"" + "x".repeat(10) + "\"}")));
    assertThat(invalid).isInstanceOf(NimbleException.Rejected.class);
    assertThat(invalid.httpStatus()).isEqualTo(400);
    assertThat(((NimbleException.Rejected) invalid).details().path("schema_validation_errors"))
        .isNotEmpty();
    NimbleException agent =
        failure(client.submitAgent(body("{\"agent\":\"no_such_agent\",\"params\":{\"q\":1}}")));
    assertThat(agent).isInstanceOf(NimbleException.Rejected.class);
    assertThat(agent.httpStatus()).isEqualTo(404);
    assertThat(agent.code()).isEqualTo("NOT_FOUND");
    assertThat(agent.getMessage())
        .contains(version == ApiVersion.V1 ? "Agent not found" : "Template not found");
    NimbleException emptyParams =
        failure(client.submitAgent(body("{\"agent\":\"amazon_pdp\",\"params\":{}}")));
    assertThat(emptyParams.httpStatus()).isEqualTo(400);
    assertThat(emptyParams.code()).isEqualTo("INVALID_REQUEST");
    NimbleException unknownInBatch =
        failure(
            client.submitAgentBatch(
                body(
                    "{\"inputs\":[{\"params\":{\"asin\":\"B1\"}}],"
                        + "\"shared_inputs\":{\"agent\":\"no_such_agent\"}}")));
    assertThat(unknownInBatch.httpStatus()).isEqualTo(404);
    assertThat(unknownInBatch.code()).isEqualTo("NOT_FOUND");
    NimbleException task = failure(client.task("00000000-0000-0000-0000-000000000000"));
    assertThat(task).isInstanceOf(NimbleException.Rejected.class);
    assertThat(task.getMessage()).contains("Task not found");
    NimbleException batch = failure(client.batchTasks("00000000-0000-0000-0000-000000000000"));
    assertThat(batch.httpStatus()).isEqualTo(404);
    assertThat(batch.getMessage()).contains("Batch not found");
    onlyCalled(version);
  }

  @ParameterizedTest
  @EnumSource(ApiVersion.class)
  void aWrongKeyAndAnEmptyBudgetStopSubmission(ApiVersion version) throws Exception {
    start(SimConfig.builder(), version);
    try (NimbleClient wrong =
        new NimbleClient(
            NimbleClientSettings.of(URI.create(sim.baseUrl()), ApiKey.of("sk-wrong"), version),
            json)) {
      NimbleException unauthorized =
          failure(wrong.submitExtract(body("{\"url\":\"https://a.io\"}")));
      assertThat(unauthorized).isInstanceOf(NimbleException.AccessDenied.class);
      assertThat(unauthorized.httpStatus()).isEqualTo(401);
      assertThat(unauthorized.getMessage()).doesNotContain("sk-wrong").doesNotContain(KEY);
    }
    for (String message :
        new String[] {"no budget", "limit reached", "trial expired", "trial quota finished"}) {
      sim.faults().paymentRequired(Duration.ofSeconds(30), message);
      NimbleException payment = failure(client.submitExtract(body("{\"url\":\"https://a.io\"}")));
      assertThat(((NimbleException.AccessDenied) payment).isPayment()).isTrue();
      assertThat(payment.getMessage()).contains(message);
    }
  }

  @ParameterizedTest
  @EnumSource(ApiVersion.class)
  void retriableErrorsCarryTheirHints(ApiVersion version) throws Exception {
    start(SimConfig.builder().requestsPerSecond(2), Duration.ofMillis(500), version);
    NimbleException limited = null;
    for (int i = 0; i < 10 && limited == null; i++) {
      try {
        get(client.task("00000000-0000-0000-0000-00000000000" + i));
      } catch (ExecutionException e) {
        NimbleException error = NimbleException.of(e);
        if (error.httpStatus() == 429) {
          limited = error;
        }
      }
    }
    assertThat(limited).isInstanceOf(NimbleException.Unavailable.class);
    assertThat(((NimbleException.Unavailable) limited).isRateLimit()).isTrue();

    sim.close();
    start(SimConfig.builder().requestsPerSecond(0), Duration.ofMillis(500), version);
    sim.faults().rateLimitStorm(Duration.ofSeconds(5));
    NimbleException storm = failure(client.submitExtract(body("{\"url\":\"https://a.io\"}")));
    assertThat(((NimbleException.Unavailable) storm).retryAfter()).isPresent();
    sim.faults().clear().serverErrors(1.0);
    NimbleException server = failure(client.submitExtract(body("{\"url\":\"https://a.io\"}")));
    assertThat(server).isInstanceOf(NimbleException.Unavailable.class);
    assertThat(server.httpStatus()).isEqualTo(500);
    sim.faults().clear().outage(Duration.ofSeconds(5));
    NimbleException io = failure(client.submitExtract(body("{\"url\":\"https://a.io\"}")));
    assertThat(io).isInstanceOf(NimbleException.Unavailable.class);
    assertThat(io.httpStatus()).isZero();
    sim.faults().clear().latency(Duration.ofSeconds(3));
    NimbleException timeout = failure(client.submitExtract(body("{\"url\":\"https://a.io\"}")));
    assertThat(timeout.code()).isEqualTo("TIMEOUT");
  }

  @Test
  void theKeyIsNeverPrinted() {
    ApiKey key = ApiKey.of(KEY);
    assertThat(key.toString()).doesNotContain(KEY);
    assertThat(NimbleClientSettings.of(URI.create("https://sdk.nimbleway.com"), key).toString())
        .doesNotContain(KEY);
    assertThatThrownBy(() -> ApiKey.of(" ")).hasMessageContaining("NIMBLE_API_KEY");
  }
}
