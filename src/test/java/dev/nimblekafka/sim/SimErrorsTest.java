package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.wire.NimbleErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each documented error class, in its documented body. */
@Timeout(30)
class SimErrorsTest {
  private static NimbleSimulator sim;
  private static SimHttp http;

  @BeforeAll
  static void start() throws Exception {
    sim =
        NimbleSimulator.start(
            SimConfig.builder()
                .apiKey(SimHttp.KEY)
                .taskDuration(Duration.ofMillis(100))
                .requestsPerSecond(0)
                .build());
    http = new SimHttp(sim);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void aWrongOrMissingKeyIs401() {
    SimHttp.Resp wrong = http.withKey("not-the-key").get("/v1/tasks");
    SimHttp.Resp missing =
        http.withKey(null).post("/v1/extract/async", "{\"url\":\"https://a.b\"}");
    SimHttp.Resp basic =
        http.send(
            http.withKey(null).request("/v1/tasks").header("Authorization", "Basic dGVzdC1rZXk="));

    for (SimHttp.Resp r : List.of(wrong, missing, basic)) {
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.json().get("status").asText()).isEqualTo("failed");
    }
    assertThat(http.get("/v1/tasks").status()).isEqualTo(200);
  }

  @Test
  void withoutAConfiguredKeyAnyNonEmptyKeyIsAccepted() throws Exception {
    try (NimbleSimulator open = NimbleSimulator.start(SimConfig.builder().build())) {
      SimHttp client = new SimHttp(open);

      assertThat(client.withKey("anything").get("/v1/tasks").status()).isEqualTo(200);
      assertThat(client.withKey("other").get("/v1/tasks").status()).isEqualTo(200);
      assertThat(client.withKey(null).get("/v1/tasks").status()).isEqualTo(401);
      assertThat(
              client
                  .send(
                      client.withKey(null).request("/v1/tasks").header("Authorization", "Bearer "))
                  .status())
          .isEqualTo(401);
    }
  }

  @Test
  void unknownAgentsAre404AgentNotFound() {
    List<SimHttp.Resp> answers =
        List.of(
            http.post("/v1/agents/async", "{\"agent\":\"no_such_agent\",\"params\":{\"q\":\"x\"}}"),
            http.post("/v1/agents/run", "{\"agent\":\"no_such_agent\",\"params\":{\"q\":\"x\"}}"),
            http.post(
                "/v1/agents/batch",
                "{\"shared_inputs\":{\"agent\":\"amazon_pdp\"},"
                    + "\"inputs\":[{\"params\":{\"asin\":\"1\"}},"
                    + "{\"agent\":\"no_such_agent\",\"params\":{\"q\":\"x\"}}]}"),
            http.get("/v1/agents/no_such_agent"));

    for (SimHttp.Resp r : answers) {
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().get("status").asText()).isEqualTo("failed");
      assertThat(r.json().get("msg").asText()).isEqualTo(NimbleErrors.AGENT_NOT_FOUND);
    }
  }

  @Test
  void unknownTasksAndBatchesAre404() {
    String id = UUID.randomUUID().toString();
    for (String path : List.of("/v1/tasks/" + id, "/v1/tasks/" + id + "/results")) {
      SimHttp.Resp r = http.get(path);
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().get("status").asText()).isEqualTo("failed");
      assertThat(r.json().get("error").asText()).isEqualTo(NimbleErrors.TASK_NOT_FOUND);
    }
    for (String path : List.of("/v1/batches/" + id, "/v1/batches/" + id + "/progress")) {
      SimHttp.Resp r = http.get(path);
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().get("error").asText()).isEqualTo(NimbleErrors.BATCH_NOT_FOUND);
    }
  }

  @Test
  void resultsBeforeTheEndOrOfAFailedTaskAre404WithTheirOwnMessage() {
    String running = http.submit("https://example.com/not-yet");
    String failing =
        http.submitJson("{\"url\":\"https://example.com/fails\",\"tag\":\"sim:fail\"}");

    SimHttp.Resp early = http.get("/v1/tasks/" + running + "/results");
    assertThat(early.status()).isEqualTo(404);
    assertThat(early.json().get("error").asText()).isEqualTo("Task results not ready");
    assertThat(early.json().get("task_id").asText()).isEqualTo(running);

    await().atMost(Duration.ofSeconds(5)).until(() -> http.state(failing).equals("failed"));
    JsonNode failed = http.task(failing);
    assertThat(failed.get("error").asText()).isNotBlank();
    assertThat(failed.get("error_type").asText()).endsWith("_error");
    SimHttp.Resp late = http.get("/v1/tasks/" + failing + "/results");
    assertThat(late.status()).isEqualTo(404);
    assertThat(late.json().get("error").asText()).isEqualTo("Task failed, no results");
  }

  @Test
  void aFailedSynchronousCallIs500WithTheDocumentedBody() {
    SimHttp.Resp r =
        http.post("/v1/extract", "{\"url\":\"https://x.example\",\"tag\":\"sim:fail\"}");

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().get("success").asText()).isEqualTo("false");
    assertThat(r.json().get("task_id").asText()).isEqualTo(r.header("x-task-id"));
    assertThat(r.json().get("message").asText()).isEqualTo(Replies.SERVER_ERROR_MESSAGE);
  }

  @Test
  void callsOverTheRatePerKeyAre429UntilTheNextSecond() throws Exception {
    try (NimbleSimulator limited =
        NimbleSimulator.start(SimConfig.builder().requestsPerSecond(5).build())) {
      SimHttp client = new SimHttp(limited);
      List<Integer> statuses = new ArrayList<>();
      SimHttp.Resp limitedAnswer = null;
      for (int i = 0; i < 100 && limitedAnswer == null; i++) {
        SimHttp.Resp r =
            i % 2 == 0 ? client.get("/v1/tasks") : client.trySubmit("https://a.b/" + i);
        statuses.add(r.status());
        if (r.status() == 429) {
          limitedAnswer = r;
        }
      }

      assertThat(statuses.subList(0, 5)).containsOnly(200);
      assertThat(limitedAnswer).as("a 429 among %s", statuses).isNotNull();
      assertThat(limitedAnswer.json().get("status").asText()).isEqualTo("failed");
      assertThat(limitedAnswer.json().get("msg").asText()).isEqualTo(NimbleErrors.RATE_LIMITED);
      assertThat(limitedAnswer.header("ratelimit-limit")).isEqualTo("5");
      assertThat(limitedAnswer.header("ratelimit-remaining")).isEqualTo("0");
      assertThat(client.withKey("another-key").get("/v1/tasks").status()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(3))
          .pollInterval(Duration.ofMillis(300))
          .until(() -> client.get("/v1/tasks").status() == 200);
    }
  }

  @Test
  void unknownPathsAre404AndWrongMethods405() {
    assertThat(http.get("/v1/nothing-here").status()).isEqualTo(404);
    assertThat(http.get("/v1/extract/async").status()).isEqualTo(405);
    assertThat(http.delete("/v1/tasks").status()).isEqualTo(405);
  }
}
