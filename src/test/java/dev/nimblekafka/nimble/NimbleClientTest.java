package dev.nimblekafka.nimble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.sim.StateVocabulary;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The typed client against the simulator over real HTTP: every endpoint, every error class. */
@Timeout(60)
class NimbleClientTest {
  private static final String KEY = "sk-client-test-71d2";
  private final ObjectMapper json = new ObjectMapper();
  private NimbleSimulator sim;
  private NimbleClient client;

  private NimbleClient start(SimConfig.Builder config, Duration requestTimeout) throws Exception {
    sim = NimbleSimulator.start(config.port(0).apiKey(KEY).build());
    client =
        new NimbleClient(
            new NimbleClientSettings(
                URI.create(sim.baseUrl()), ApiKey.of(KEY), Duration.ofSeconds(2), requestTimeout),
            json);
    return client;
  }

  private NimbleClient start(SimConfig.Builder config) throws Exception {
    return start(config, Duration.ofSeconds(10));
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
  @EnumSource(StateVocabulary.class)
  void anExtractTaskRunsToItsResultsInEveryStateVocabulary(StateVocabulary states)
      throws Exception {
    start(SimConfig.builder().taskDuration(Duration.ofMillis(200)).states(states));
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
    assertThat(results.url()).endsWith("/v1/tasks/" + created.id() + "/results");
  }

  @Test
  void agentsAndBatchesAndBatchProgress() throws Exception {
    start(SimConfig.builder().taskDuration(Duration.ofMillis(100)));
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
  }

  @Test
  void aResultOverTheLimitIsNotDownloaded() throws Exception {
    start(SimConfig.builder().taskDuration(Duration.ofMillis(50)).resultSizeBytes(2_000_000));
    TaskInfo created = get(client.submitExtract(body("{\"url\":\"https://big.example\"}")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(client.task(created.id())).state() == TaskState.SUCCEEDED);
    TaskResults results = get(client.results(created.id(), 100_000));
    assertThat(results.tooLarge()).isTrue();
    assertThat(results.size()).isGreaterThan(100_000);
  }

  @Test
  void terminalErrors() throws Exception {
    start(SimConfig.builder());
    NimbleException invalid =
        failure(client.submitExtract(body("{\"url\":\"" + "x".repeat(10) + "\"}")));
    assertThat(invalid).isInstanceOf(NimbleException.Rejected.class);
    assertThat(invalid.httpStatus()).isEqualTo(400);
    assertThat(((NimbleException.Rejected) invalid).details().path("schema_validation_errors"))
        .isNotEmpty();
    NimbleException agent =
        failure(client.submitAgent(body("{\"agent\":\"no_such_agent\",\"params\":{\"q\":1}}")));
    assertThat(agent.httpStatus()).isEqualTo(404);
    assertThat(agent.getMessage()).contains("Agent not found");
    NimbleException task = failure(client.task("00000000-0000-0000-0000-000000000000"));
    assertThat(task).isInstanceOf(NimbleException.Rejected.class);
    assertThat(task.getMessage()).contains("Task not found");
  }

  @Test
  void aWrongKeyAndAnEmptyBudgetStopSubmission() throws Exception {
    start(SimConfig.builder());
    try (NimbleClient wrong =
        new NimbleClient(
            NimbleClientSettings.of(URI.create(sim.baseUrl()), ApiKey.of("sk-wrong")), json)) {
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

  @Test
  void retriableErrorsCarryTheirHints() throws Exception {
    start(SimConfig.builder().requestsPerSecond(2), Duration.ofMillis(500));
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
    start(SimConfig.builder().requestsPerSecond(0), Duration.ofMillis(500));
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
