package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SERP endpoints create tasks like extract's, with a results page made from the search. */
@Timeout(30)
class SimSerpTest {
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
                .build());
    http = new SimHttp(sim);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void anAsyncSerpTaskEchoesItsInputAndEndsWithAResultsPage() {
    for (String version : new String[] {"v1", "v2"}) {
      String body =
          "{\"search_engine\":\"google_search\",\"query\":\"best coffee\",\"num_results\":3}";
      SimHttp.Resp created = http.post("/" + version + "/serp/async", body);
      assertThat(created.status()).isEqualTo(200);
      JsonNode task = created.json().get("task");
      assertThat(task.get("api_type").asText()).isEqualTo("serp");
      assertThat(task.get("input").get("query").asText()).isEqualTo("best coffee");
      String id = task.get("id").asText();
      await().atMost(Duration.ofSeconds(5)).until(() -> http.state(id).equals("completed"));

      JsonNode result = http.get("/" + version + "/tasks/" + id + "/results").json();
      assertThat(result.get("url").asText())
          .isEqualTo("https://www.google.com/search?q=best+coffee");
      JsonNode organic = result.at("/data/parsing/entities/OrganicResult");
      assertThat(organic).hasSize(3);
      assertThat(organic.get(0).get("position").asInt()).isEqualTo(1);
      assertThat(result.at("/data/html").asText()).startsWith("<!DOCTYPE html>");
    }
  }

  @Test
  void theSameSearchGivesTheSameResultsPage() {
    String body = "{\"search_engine\":\"bing_search\",\"query\":\"tea\",\"no_html\":true}";
    String first = http.post("/v1/serp/async", body).json().at("/task/id").asText();
    String second = http.post("/v1/serp/async", body).json().at("/task/id").asText();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> http.state(first).equals("completed") && http.state(second).equals("completed"));

    JsonNode a = http.get("/v1/tasks/" + first + "/results").json().get("data");
    JsonNode b = http.get("/v1/tasks/" + second + "/results").json().get("data");
    assertThat(a).isEqualTo(b);
    assertThat(a.has("html")).isFalse();
  }

  @Test
  void aSerpBatchMergesItsItemsOverSharedInputsInOrder() {
    String body =
        "{\"inputs\":[{\"query\":\"coffee\"},{\"query\":\"tea\",\"search_engine\":\"yandex_search\"}],"
            + "\"shared_inputs\":{\"search_engine\":\"google_search\",\"country\":\"US\"}}";
    SimHttp.Resp created = http.post("/v2/serp/batch", body);

    assertThat(created.status()).isEqualTo(200);
    JsonNode tasks = created.json().get("tasks");
    assertThat(tasks).hasSize(2);
    assertThat(tasks.get(0).at("/input/search_engine").asText()).isEqualTo("google_search");
    assertThat(tasks.get(0).at("/input/country").asText()).isEqualTo("US");
    assertThat(tasks.get(1).at("/input/search_engine").asText()).isEqualTo("yandex_search");
    assertThat(tasks.get(1).get("api_type").asText()).isEqualTo("serp");
  }

  @Test
  void aSerpCallOutsideTheDocumentedSchemaIsRefusedNamingTheField() {
    SimHttp.Resp noEngine = http.post("/v1/serp/async", "{\"query\":\"q\"}");
    assertThat(noEngine.status()).isEqualTo(400);
    assertThat(noEngine.body()).contains("search_engine");

    SimHttp.Resp unknown =
        http.post("/v1/serp/async", "{\"search_engine\":\"altavista\",\"query\":\"q\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("/search_engine");

    SimHttp.Resp tooMany =
        http.post(
            "/v1/serp/batch",
            "{\"inputs\":[{\"query\":\"q\",\"num_results\":101}],"
                + "\"shared_inputs\":{\"search_engine\":\"google_news\"}}");
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.body()).contains("/inputs/0/num_results");

    SimHttp.Resp itemWithoutEngine =
        http.post("/v1/serp/batch", "{\"inputs\":[{\"query\":\"q\"}]}");
    assertThat(itemWithoutEngine.status()).isEqualTo(400);
  }
}
