package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every endpoint answers in the documented shape. */
@Timeout(30)
class SimEndpointsTest {
  private static final String ISO = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
  private static NimbleSimulator sim;
  private static SimHttp http;

  @BeforeAll
  static void start() throws Exception {
    sim =
        NimbleSimulator.start(
            SimConfig.builder()
                .apiKey(SimHttp.KEY)
                .taskDuration(Duration.ofMillis(50))
                .requestsPerSecond(0)
                .accountName("acme")
                .build());
    http = new SimHttp(sim);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void asyncExtractAnswersTheDocumentedTask() {
    String body = "{\"url\":\"https://example.com/a\",\"formats\":[\"html\"],\"render\":true}";
    SimHttp.Resp r = http.post("/v1/extract/async", body);

    assertThat(r.status()).isEqualTo(200);
    JsonNode json = r.json();
    assertThat(json.get("status").asText()).isEqualTo("success");
    JsonNode task = json.get("task");
    String id = task.get("id").asText();
    assertThat(UUID.fromString(id).version()).isEqualTo(4);
    assertThat(task.get("state").asText()).isEqualTo("pending");
    assertThat(task.get("status_url").asText()).isEqualTo(sim.baseUrl() + "/v1/tasks/" + id);
    assertThat(task.get("download_url").asText())
        .isEqualTo(sim.baseUrl() + "/v1/tasks/" + id + "/results");
    assertThat(task.get("created_at").asText()).matches(ISO);
    assertThat(task.get("modified_at").asText()).isEqualTo(task.get("created_at").asText());
    assertThat(task.get("input")).isEqualTo(readTree(body));
    assertThat(task.get("api_type").asText()).isEqualTo("extract");
    assertThat(task.get("account_name").asText()).isEqualTo("acme");
    assertThat(r.header("x-task-id")).isEqualTo(id);
  }

  @Test
  void taskStatusShowsTheFinishedTask() {
    String id = http.submit("https://example.com/status");

    await().atMost(Duration.ofSeconds(5)).until(() -> http.state(id).equals("completed"));

    SimHttp.Resp r = http.get("/v1/tasks/" + id);
    assertThat(r.json().get("status").asText()).isEqualTo("success");
    JsonNode task = r.json().get("task");
    assertThat(task.get("id").asText()).isEqualTo(id);
    assertThat(task.get("status_code").asInt()).isEqualTo(200);
    assertThat(task.get("modified_at").asText()).matches(ISO);
    assertThat(task.get("modified_at").asText())
        .isGreaterThanOrEqualTo(task.get("created_at").asText());
    assertThat(task.has("error")).isFalse();
    assertThat(task.has("output_url")).isFalse();
  }

  @Test
  void extractResultsHaveTheSyncExtractShapeWithRequestedFormats() {
    String body =
        "{\"url\":\"https://shop.example/p/1\",\"formats\":[\"html\",\"markdown\",\"text\","
            + "\"links\",\"headers\",\"screenshot\"],\"parse\":true,"
            + "\"parser\":{\"price\":{}},\"tag\":\"t1\"}";
    String id = http.submitJson(body);
    await().atMost(Duration.ofSeconds(5)).until(() -> http.state(id).equals("completed"));

    SimHttp.Resp r = http.get("/v1/tasks/" + id + "/results");

    assertThat(r.status()).isEqualTo(200);
    JsonNode result = r.json();
    assertThat(result.get("url").asText()).isEqualTo("https://shop.example/p/1");
    assertThat(result.get("task_id").asText()).isEqualTo(id);
    assertThat(result.get("status").asText()).isEqualTo("success");
    assertThat(result.get("status_code").asInt()).isEqualTo(200);
    JsonNode data = result.get("data");
    assertThat(data.get("html").asText()).startsWith("<!DOCTYPE html>");
    assertThat(data.get("markdown").asText()).startsWith("# ");
    assertThat(data.get("text").isTextual()).isTrue();
    assertThat(data.get("links").isArray()).isTrue();
    assertThat(data.get("links").get(0).asText()).startsWith("https://shop.example/");
    assertThat(data.get("headers").isObject()).isTrue();
    assertThat(data.get("screenshot").asText()).startsWith("iVBORw0KGgo");
    assertThat(data.get("parsing").get("price").isTextual()).isTrue();
    JsonNode metadata = result.get("metadata");
    assertThat(metadata.get("query_time").asText()).matches(ISO);
    assertThat(metadata.get("query_duration").asLong()).isGreaterThanOrEqualTo(40);
    assertThat(metadata.at("/response_parameters/input_url").asText())
        .isEqualTo("https://shop.example/p/1");
    assertThat(metadata.get("driver").asText()).isEqualTo("vx6");
    assertThat(metadata.get("tag").asText()).isEqualTo("t1");
    assertThat(result.get("warnings").isArray()).isTrue();
  }

  @Test
  void sameInputGivesTheSameContentAndHtmlIsTheDefaultFormat() {
    String first = http.submit("https://example.com/same");
    String second = http.submit("https://example.com/same");
    String other = http.submit("https://example.com/other");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                List.of(first, second, other).stream()
                    .allMatch(id -> http.state(id).equals("completed")));

    JsonNode a = http.get("/v1/tasks/" + first + "/results").json().get("data");
    JsonNode b = http.get("/v1/tasks/" + second + "/results").json().get("data");
    JsonNode c = http.get("/v1/tasks/" + other + "/results").json().get("data");

    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(a.has("html")).isTrue();
    assertThat(a.has("markdown")).isFalse();
  }

  @Test
  void agentResultsCarryParsingAndTheAgentName() {
    SimHttp.Resp pdp =
        http.post(
            "/v1/agents/async",
            "{\"agent\":\"amazon_pdp\",\"params\":{\"asin\":\"B0TEST\"},\"formats\":[\"markdown\"]}");
    SimHttp.Resp serp =
        http.post(
            "/v1/agents/async", "{\"agent\":\"google_search\",\"params\":{\"query\":\"nba\"}}");
    assertThat(pdp.status()).isEqualTo(200);
    assertThat(serp.status()).isEqualTo(200);
    assertThat(pdp.json().at("/task/api_type").asText()).isEqualTo("agent");
    String pdpId = pdp.json().at("/task/id").asText();
    String serpId = serp.json().at("/task/id").asText();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> http.state(pdpId).equals("completed") && http.state(serpId).equals("completed"));

    JsonNode product = http.get("/v1/tasks/" + pdpId + "/results").json();
    JsonNode search = http.get("/v1/tasks/" + serpId + "/results").json();

    assertThat(product.at("/data/parsing").isObject()).isTrue();
    assertThat(product.at("/data/parsing/asin").asText()).isEqualTo("B0TEST");
    assertThat(product.at("/data/markdown").isTextual()).isTrue();
    assertThat(product.at("/data/html").isMissingNode()).isTrue();
    assertThat(product.at("/metadata/agent").asText()).isEqualTo("amazon_pdp");
    assertThat(product.get("url").asText()).isEqualTo("https://www.amazon.com/dp/B0TEST");
    assertThat(search.at("/data/parsing").isArray()).isTrue();
    assertThat(search.at("/data/parsing").size()).isEqualTo(10);
    assertThat(search.at("/metadata/agent").asText()).isEqualTo("google_search");
  }

  @Test
  void extractBatchKeepsInputOrderAndItemValuesOverrideSharedOnes() {
    String body =
        "{\"shared_inputs\":{\"formats\":[\"html\"],\"country\":\"US\"},\"inputs\":["
            + "{\"url\":\"https://a.example\"},"
            + "{\"url\":\"https://b.example\",\"formats\":[\"markdown\"]},"
            + "{\"url\":\"https://c.example\",\"country\":\"FR\"}]}";
    SimHttp.Resp r = http.post("/v1/extract/batch", body);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode json = r.json();
    String batchId = json.get("batch_id").asText();
    assertThat(json.get("batch_size").asInt()).isEqualTo(3);
    JsonNode tasks = json.get("tasks");
    assertThat(tasks).hasSize(3);
    assertThat(tasks.get(0).at("/input/url").asText()).isEqualTo("https://a.example");
    assertThat(tasks.get(1).at("/input/url").asText()).isEqualTo("https://b.example");
    assertThat(tasks.get(2).at("/input/url").asText()).isEqualTo("https://c.example");
    assertThat(tasks.get(0).at("/input/formats/0").asText()).isEqualTo("html");
    assertThat(tasks.get(1).at("/input/formats/0").asText()).isEqualTo("markdown");
    assertThat(tasks.get(0).at("/input/country").asText()).isEqualTo("US");
    assertThat(tasks.get(2).at("/input/country").asText()).isEqualTo("FR");
    for (JsonNode task : tasks) {
      assertThat(task.get("state").asText()).isEqualTo("pending");
      assertThat(task.get("batch_id").asText()).isEqualTo(batchId);
      assertThat(task.has("_query")).isTrue();
      assertThat(task.get("status_url").asText()).endsWith(task.get("id").asText());
    }

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                http.get("/v1/batches/" + batchId + "/progress")
                    .json()
                    .get("completed")
                    .asBoolean());
    JsonNode progress = http.get("/v1/batches/" + batchId + "/progress").json();
    assertThat(progress.get("status").asText()).isEqualTo("success");
    assertThat(progress.get("id").asText()).isEqualTo(batchId);
    assertThat(progress.get("completed_count").asInt()).isEqualTo(3);
    assertThat(progress.get("progress").asDouble()).isEqualTo(1.0);
    assertThat(progress.get("completed_at").asText()).matches(ISO);
    assertThat(progress.has("tasks")).isFalse();

    JsonNode batch = http.get("/v1/batches/" + batchId).json();
    assertThat(batch.get("status").asText()).isEqualTo("success");
    assertThat(batch.get("completed").asBoolean()).isTrue();
    assertThat(batch.get("created_at").asText()).matches(ISO);
    assertThat(batch.get("tasks")).hasSize(3);
    assertThat(batch.get("tasks").get(1).get("id").asText())
        .isEqualTo(tasks.get(1).get("id").asText());
    assertThat(batch.get("tasks").get(1).get("state").asText()).isEqualTo("completed");
  }

  @Test
  void agentBatchMergesParamsOverSharedInputs() {
    String body =
        "{\"shared_inputs\":{\"agent\":\"walmart_pdp\",\"params\":{\"zip_code\":\"10001\"}},"
            + "\"inputs\":[{\"params\":{\"product_id\":\"1\"}},"
            + "{\"params\":{\"product_id\":\"2\",\"zip_code\":\"94105\"}},"
            + "{\"agent\":\"target_pdp\",\"params\":{\"tcin\":\"3\"}}]}";
    SimHttp.Resp r = http.post("/v1/agents/batch", body);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode tasks = r.json().get("tasks");
    assertThat(tasks).hasSize(3);
    assertThat(tasks.get(0).at("/input/params/zip_code").asText()).isEqualTo("10001");
    assertThat(tasks.get(0).at("/input/params/product_id").asText()).isEqualTo("1");
    assertThat(tasks.get(1).at("/input/params/zip_code").asText()).isEqualTo("94105");
    assertThat(tasks.get(2).at("/input/agent").asText()).isEqualTo("target_pdp");
    assertThat(tasks.get(2).get("api_type").asText()).isEqualTo("agent");
  }

  @Test
  void synchronousEndpointsAnswerWithTheResultWhenTheTaskEnds() {
    SimHttp.Resp extract =
        http.post(
            "/v1/extract", "{\"url\":\"https://example.com/sync\",\"formats\":[\"markdown\"]}");
    SimHttp.Resp agent =
        http.post("/v1/agents/run", "{\"agent\":\"walmart_serp\",\"params\":{\"keyword\":\"tv\"}}");

    assertThat(extract.status()).isEqualTo(200);
    assertThat(extract.json().get("status").asText()).isEqualTo("success");
    assertThat(extract.json().at("/data/markdown").isTextual()).isTrue();
    assertThat(extract.json().at("/metadata/query_duration").asLong()).isGreaterThanOrEqualTo(40);
    assertThat(extract.header("x-task-id")).isEqualTo(extract.json().get("task_id").asText());
    assertThat(agent.status()).isEqualTo(200);
    assertThat(agent.json().at("/data/parsing").isArray()).isTrue();
    assertThat(agent.json().at("/metadata/agent").asText()).isEqualTo("walmart_serp");
  }

  @Test
  void taskListPagesWithCursorsNewestFirst() throws Exception {
    try (NimbleSimulator own =
        NimbleSimulator.start(SimConfig.builder().taskDuration(Duration.ZERO).build())) {
      SimHttp client = new SimHttp(own);
      List<String> created = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        created.add(client.submit("https://example.com/list/" + i));
      }

      List<String> seen = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        JsonNode page =
            client.get("/v1/tasks?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
        page.get("data").forEach(t -> seen.add(t.get("id").asText()));
        JsonNode pagination = page.get("pagination");
        assertThat(pagination.get("total").asInt()).isEqualTo(5);
        cursor =
            pagination.get("has_next").asBoolean() ? pagination.get("next_cursor").asText() : null;
        if (cursor == null) {
          assertThat(pagination.get("next_cursor").isNull()).isTrue();
        }
        pages++;
      } while (cursor != null);

      assertThat(pages).isEqualTo(3);
      assertThat(seen).containsExactlyElementsOf(reversed(created));
      JsonNode all = client.get("/v1/tasks").json();
      assertThat(all.get("data")).hasSize(5);
      assertThat(all.get("data").get(0).has("_query")).isTrue();
      assertThat(client.get("/v1/tasks?cursor=not-a-cursor").status()).isEqualTo(400);
      assertThat(client.get("/v1/tasks?limit=0").status()).isEqualTo(400);
    }
  }

  @Test
  void agentsAreListedAndDescribed() {
    SimHttp.Resp list = http.get("/v1/agents");
    SimHttp.Resp one = http.get("/v1/agents/amazon_pdp");

    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().size()).isGreaterThanOrEqualTo(20);
    JsonNode first = list.json().get(0);
    assertThat(first.has("name")).isTrue();
    assertThat(first.has("display_name")).isTrue();
    assertThat(first.get("is_public").asBoolean()).isTrue();
    assertThat(http.get("/v1/agents?limit=3").json()).hasSize(3);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("domain").asText()).isEqualTo("www.amazon.com");
    assertThat(one.json().at("/input_properties/0/name").asText()).isEqualTo("asin");
  }

  private static JsonNode readTree(String json) {
    try {
      return SimHttp.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<String> reversed(List<String> list) {
    List<String> copy = new ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }
}
