package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.wire.ApiVersion;
import dev.nimblekafka.wire.NimbleErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both path families on one port: v1 agents, v2 extract templates, one account's tasks. */
@Timeout(30)
class SimApiVersionsTest {
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
  void aTaskCreatedUnderOneVersionIsReadUnderTheOther() {
    SimHttp.Resp v1 = http.post("/v1/extract/async", "{\"url\":\"https://a.example/1\"}");
    SimHttp.Resp v2 =
        http.post(
            "/v2/extract/templates/async",
            "{\"template\":\"amazon_pdp\",\"params\":{\"asin\":\"B1\"}}");
    assertThat(v1.status()).as(v1.body()).isEqualTo(200);
    assertThat(v2.status()).as(v2.body()).isEqualTo(200);
    String first = v1.json().at("/task/id").asText();
    String second = v2.json().at("/task/id").asText();
    assertThat(v2.json().at("/task/status_url").asText()).endsWith("/v2/tasks/" + second);
    assertThat(v1.json().at("/task/status_url").asText()).endsWith("/v1/tasks/" + first);
    for (String id : List.of(first, second)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> http.get("/v2/tasks/" + id).json().at("/task/state").asText(), done());
      assertThat(http.get("/v1/tasks/" + id).status()).isEqualTo(200);
      assertThat(http.get("/v1/tasks/" + id + "/results").status()).isEqualTo(200);
      assertThat(http.get("/v2/tasks/" + id + "/results").status()).isEqualTo(200);
    }
    JsonNode result = http.get("/v2/tasks/" + second + "/results").json();
    assertThat(result.at("/data/parsing").isMissingNode()).isFalse();
    assertThat(http.get("/v2/tasks?limit=100").json().get("data").toString())
        .contains(first)
        .contains(second);
  }

  @ParameterizedTest
  @EnumSource(ApiVersion.class)
  void theBatchReadListsEveryTaskWithItsState(ApiVersion version) {
    String field = version.templateField();
    SimHttp.Resp created =
        http.post(
            version.templateBatch(),
            "{\"shared_inputs\":{\""
                + field
                + "\":\"amazon_pdp\"},\"inputs\":[{\"params\":{\"asin\":\"B1\"}},"
                + "{\"params\":{\"asin\":\"B2\"}},{\"params\":{\"asin\":\"B3\"}}]}");
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String batch = created.json().get("batch_id").asText();
    List<String> ids = new ArrayList<>();
    created.json().get("tasks").forEach(t -> ids.add(t.get("id").asText()));
    for (ApiVersion reader : ApiVersion.values()) {
      JsonNode read = http.get(reader.batch(batch)).json();
      assertThat(read.get("tasks")).hasSize(3);
      for (int i = 0; i < 3; i++) {
        JsonNode task = read.get("tasks").get(i);
        assertThat(task.get("id").asText()).isEqualTo(ids.get(i));
        assertThat(task.get("state").asText()).isNotBlank();
        assertThat(task.get("batch_id").asText()).isEqualTo(batch);
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> http.get(version.batchProgress(batch)).json().get("completed").asBoolean());
    http.get(version.batch(batch))
        .json()
        .get("tasks")
        .forEach(task -> assertThat(task.get("state").asText()).isEqualTo("completed"));
  }

  @Test
  void v2TemplatesHaveV1AgentErrors() {
    SimHttp.Resp unknown =
        http.post(
            "/v2/extract/templates/async",
            "{\"template\":\"no_such_template\",\"params\":{\"q\":\"x\"}}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("msg").asText()).isEqualTo(NimbleErrors.TEMPLATE_NOT_FOUND);
    SimHttp.Resp unknownInBatch =
        http.post(
            "/v2/extract/templates/batch",
            "{\"shared_inputs\":{\"template\":\"no_such_template\"},"
                + "\"inputs\":[{\"params\":{\"q\":\"x\"}}]}");
    assertThat(unknownInBatch.status()).isEqualTo(404);
    assertThat(http.get("/v2/extract/templates/no_such_template").status()).isEqualTo(404);

    SimHttp.Resp emptyParams =
        http.post("/v2/extract/templates/async", "{\"template\":\"amazon_pdp\",\"params\":{}}");
    assertThat(emptyParams.status()).isEqualTo(400);
    assertThat(emptyParams.body()).contains("minProperties");
    // v2 has no agent field: a body naming only agent lacks template, as v1 lacks agent
    SimHttp.Resp agentOnly =
        http.post("/v2/extract/templates/async", "{\"agent\":\"amazon_pdp\",\"params\":{\"a\":1}}");
    SimHttp.Resp v1TemplateOnly =
        http.post("/v1/agents/async", "{\"template\":\"amazon_pdp\",\"params\":{\"a\":1}}");
    for (SimHttp.Resp missing : List.of(agentOnly, v1TemplateOnly)) {
      assertThat(missing.status()).isEqualTo(400);
      assertThat(missing.json().at("/details/schema_validation_errors/0/keyword").asText())
          .isEqualTo("required");
    }
    assertThat(agentOnly.body()).contains("template");
    SimHttp.Resp batchWithoutTemplate =
        http.post(
            "/v2/extract/templates/batch",
            "{\"shared_inputs\":{\"agent\":\"amazon_pdp\"},\"inputs\":[{\"params\":{\"a\":1}}]}");
    assertThat(batchWithoutTemplate.status()).isEqualTo(400);
    // v2 agents are another product: not served
    assertThat(
            http.post("/v2/agents/async", "{\"agent\":\"amazon_pdp\",\"params\":{\"a\":1}}")
                .status())
        .isEqualTo(404);
  }

  @Test
  void theCatalogueIsListedInEachVersionsShape() {
    JsonNode agents = http.get("/v1/agents?limit=5").json();
    assertThat(agents.isArray()).isTrue();
    JsonNode templates = http.get("/v2/extract/templates?limit=5&offset=1").json();
    assertThat(templates.get("items")).hasSize(5);
    assertThat(templates.get("offset").asInt()).isEqualTo(1);
    assertThat(templates.get("total").asInt()).isGreaterThan(5);
    JsonNode one = http.get("/v2/extract/templates/amazon_pdp").json();
    assertThat(one.get("name").asText()).isEqualTo("amazon_pdp");
    assertThat(one.at("/published_version/input_schema/required/0").asText()).isEqualTo("asin");
  }

  @Test
  void callsAreCountedUnderTheVersionTheyUsed() {
    sim.resetStats();
    http.post("/v2/extract/async", "{\"url\":\"https://a.example/v2\"}");
    http.get("/v2/tasks/00000000-0000-0000-0000-000000000000");
    SimStats stats = sim.stats();
    assertThat(stats.calls("POST /v2/extract/async", 200)).isEqualTo(1);
    assertThat(stats.calls("GET /v2/tasks/{id}", 404)).isEqualTo(1);
    assertThat(stats.calls().keySet()).allSatisfy(k -> assertThat(k).contains(" /v2/"));
  }

  private static org.hamcrest.Matcher<String> done() {
    return org.hamcrest.Matchers.is("completed");
  }
}
