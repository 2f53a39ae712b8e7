package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Crawls walk a synthetic site; each page is an ordinary task read through the tasks API. */
@Timeout(30)
class SimCrawlTest {
  private static NimbleSimulator sim;
  private static SimHttp http;

  @BeforeAll
  static void start() throws Exception {
    sim =
        NimbleSimulator.start(
            SimConfig.builder()
                .apiKey(SimHttp.KEY)
                .taskDuration(Duration.ofMillis(20))
                .requestsPerSecond(0)
                .build());
    http = new SimHttp(sim);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void aCrawlOfALargerSiteEndsSucceededWithExactlyLimitPages() {
    for (String version : new String[] {"v1", "v2"}) {
      SimHttp.Resp created =
          http.post("/" + version + "/crawl", "{\"url\":\"https://big.example/\",\"limit\":7}");
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      JsonNode crawl = created.json();
      assertThat(crawl.get("status").asText()).isEqualTo("queued");
      assertThat(crawl.get("url").asText()).isEqualTo("https://big.example/");
      assertThat(crawl.get("account_name").isTextual()).isTrue();
      assertThat(crawl.get("tasks")).isEmpty();
      JsonNode options = crawl.get("crawl_options");
      assertThat(options.get("limit").asInt()).isEqualTo(7);
      assertThat(options.get("max_discovery_depth").asInt()).isEqualTo(10);
      assertThat(options.get("sitemap").asText()).isEqualTo("skip");
      assertThat(options.get("allow_subdomains").asBoolean()).isFalse();

      JsonNode ended = awaitEnded(version, crawl.get("crawl_id").asText());
      assertThat(ended.get("status").asText()).isEqualTo("succeeded");
      assertThat(ended.get("total").asInt()).isEqualTo(7);
      assertThat(ended.get("completed").asInt()).isEqualTo(7);
      assertThat(ended.get("pending").asInt()).isZero();
      assertThat(ended.get("failed").asInt()).isZero();
      assertThat(ended.get("tasks")).hasSize(7);
      assertThat(ended.get("completed_at").isTextual()).isTrue();
    }
  }

  @Test
  void depthAndPathFiltersShapeThePages() {
    String site = "\"url\":\"https://links2.sitemap3.shape.example/\"";
    assertThat(pagePaths("{" + site + ",\"max_discovery_depth\":2}"))
        .containsExactlyInAnyOrder(
            "/", "/blog", "/docs", "/blog/blog", "/blog/docs", "/docs/blog", "/docs/docs");
    assertThat(pagePaths("{" + site + ",\"max_discovery_depth\":2,\"include_paths\":[\"^/blog\"]}"))
        .containsExactlyInAnyOrder("/", "/blog", "/blog/blog", "/blog/docs");
    assertThat(pagePaths("{" + site + ",\"max_discovery_depth\":2,\"exclude_paths\":[\"/docs$\"]}"))
        .containsExactlyInAnyOrder("/", "/blog", "/blog/blog");
    assertThat(pagePaths("{" + site + ",\"sitemap\":\"only\"}"))
        .containsExactlyInAnyOrder("/", "/archive/1", "/archive/2", "/archive/3");
    assertThat(pagePaths("{" + site + ",\"max_discovery_depth\":1,\"sitemap\":\"include\"}"))
        .containsExactlyInAnyOrder("/", "/archive/1", "/archive/2", "/archive/3", "/blog", "/docs");
  }

  @Test
  void theTaskListOnlyGrowsWhileTheCrawlRuns() {
    String id =
        createCrawl("v2", "{\"url\":\"https://links3.grow.example/\",\"limit\":30}").asText();
    List<List<String>> seen = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              JsonNode crawl = http.get("/v2/crawl/" + id).json();
              List<String> ids = new ArrayList<>();
              crawl.get("tasks").forEach(t -> ids.add(t.get("task_id").asText()));
              seen.add(ids);
              return crawl.get("status").asText().equals("succeeded");
            });
    for (int i = 1; i < seen.size(); i++) {
      List<String> before = seen.get(i - 1);
      assertThat(seen.get(i)).startsWith(before.toArray(new String[0]));
    }
    assertThat(seen.get(seen.size() - 1)).hasSize(30);
    assertThat(seen.stream().map(List::size).distinct().count()).isGreaterThan(2);
  }

  @Test
  void pageResultsAreReadFromTheirTasksAndNamedForTheirPage() {
    String body =
        "{\"url\":\"https://links2.results.example/shop\",\"max_discovery_depth\":1,"
            + "\"extract_options\":{\"driver\":\"vx10\",\"formats\":[\"markdown\"]}}";
    long vx10Before = sim.stats().completedByDriver().getOrDefault("vx10", 0L);
    String id = createCrawl("v1", body).asText();
    JsonNode ended = awaitEnded("v1", id);
    assertThat(ended.get("extract_options").get("driver").asText()).isEqualTo("vx10");
    Set<String> urls = new TreeSet<>();
    for (JsonNode page : ended.get("tasks")) {
      String taskId = page.get("task_id").asText();
      JsonNode task = http.task(taskId);
      assertThat(task.get("api_type").asText()).isEqualTo("extract");
      SimHttp.Resp results = http.get("/v2/tasks/" + taskId + "/results");
      assertThat(results.status()).isEqualTo(200);
      JsonNode result = results.json();
      assertThat(result.get("url").asText()).isEqualTo(task.at("/input/url").asText());
      assertThat(result.at("/metadata/driver").asText()).isEqualTo("vx10");
      assertThat(result.at("/data/markdown").isTextual()).isTrue();
      urls.add(result.get("url").asText());
    }
    assertThat(urls)
        .containsExactly(
            "https://links2.results.example/shop",
            "https://links2.results.example/shop/blog",
            "https://links2.results.example/shop/docs");
    assertThat(http.get("/v1/tasks/" + id + "/results").status()).isEqualTo(404);
    assertThat(sim.stats().completedByDriver().get("vx10") - vx10Before).isEqualTo(3);
    assertThat(sim.stats().completedOn("links2.results.example")).isEqualTo(3);
  }

  @Test
  void callbacksArriveForEveryEventWithTheEchoedMetadataAndHeaders() throws Exception {
    try (CallbackReceiver receiver = new CallbackReceiver()) {
      String body =
          "{\"url\":\"https://links1.hooks.example/\",\"max_discovery_depth\":1,"
              + "\"callback\":{\"url\":\""
              + receiver.url("/crawl-events")
              + "\",\"headers\":{\"X-Hook-Secret\":\"s3cret\"},"
              + "\"metadata\":{\"request_id\":\"r-1\"}}}";
      String id = createCrawl("v1", body).asText();
      awaitEnded("v1", id);
      await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 4);

      List<JsonNode> events = receiver.received();
      assertThat(events)
          .extracting(e -> e.get("event").asText())
          .containsExactlyInAnyOrder("started", "page", "page", "completed");
      for (JsonNode event : events) {
        assertThat(event.get("crawl_id").asText()).isEqualTo(id);
        assertThat(event.at("/metadata/request_id").asText()).isEqualTo("r-1");
      }
      JsonNode page =
          events.stream().filter(e -> e.get("event").asText().equals("page")).findFirst().get();
      assertThat(page.get("page_status").asText()).isEqualTo("completed");
      assertThat(page.get("url").asText()).startsWith("https://links1.hooks.example/");
      assertThat(http.task(page.get("task_id").asText()).get("id").asText())
          .isEqualTo(page.get("task_id").asText());
      JsonNode completed =
          events.stream()
              .filter(e -> e.get("event").asText().equals("completed"))
              .findFirst()
              .get();
      assertThat(completed.get("status").asText()).isEqualTo("succeeded");
      assertThat(receiver.headers())
          .allSatisfy(h -> assertThat(h.getFirst("X-Hook-Secret")).isEqualTo("s3cret"));
    }
  }

  @Test
  void onlyTheChosenEventsAreSent() throws Exception {
    try (CallbackReceiver receiver = new CallbackReceiver()) {
      String body =
          "{\"url\":\"https://links1.chosen.example/\",\"max_discovery_depth\":1,"
              + "\"callback\":{\"url\":\""
              + receiver.url("/")
              + "\",\"events\":[\"completed\"]}}";
      awaitEnded("v1", createCrawl("v1", body).asText());
      await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 1);
      assertThat(receiver.received().get(0).get("event").asText()).isEqualTo("completed");
      assertThat(receiver.received().get(0).get("metadata")).isEmpty();
    }
  }

  @Test
  void aCrawlWhoseStartPageFailsEndsFailed() throws Exception {
    try (CallbackReceiver receiver = new CallbackReceiver()) {
      String body =
          "{\"url\":\"https://fail.example/\",\"callback\":\"" + receiver.url("/") + "\"}";
      String id = createCrawl("v2", body).asText();
      JsonNode ended = awaitEnded("v2", id);
      assertThat(ended.get("status").asText()).isEqualTo("failed");
      assertThat(ended.get("total").asInt()).isEqualTo(1);
      assertThat(ended.at("/tasks/0/status").asText()).isEqualTo("failed");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  receiver.received().stream()
                      .anyMatch(e -> e.get("event").asText().equals("failed")));
    }
  }

  @Test
  void invalidCrawlBodiesAreRefusedNamingTheField() {
    assertRefused("{\"limit\":5}", "", "required");
    assertRefused("{\"url\":\"not a url\"}", "/url", "format");
    assertRefused("{\"url\":\"https://a.example/\",\"limit\":0}", "/limit", "minimum");
    assertRefused("{\"url\":\"https://a.example/\",\"limit\":10001}", "/limit", "maximum");
    assertRefused("{\"url\":\"https://a.example/\",\"limit\":2.5}", "/limit", "type");
    assertRefused(
        "{\"url\":\"https://a.example/\",\"max_discovery_depth\":21}",
        "/max_discovery_depth",
        "maximum");
    assertRefused("{\"url\":\"https://a.example/\",\"sitemap\":\"all\"}", "/sitemap", "enum");
    assertRefused(
        "{\"url\":\"https://a.example/\",\"include_paths\":[\"(\"]}", "/include_paths/0", "format");
    assertRefused(
        "{\"url\":\"https://a.example/\",\"allow_subdomains\":\"yes\"}",
        "/allow_subdomains",
        "type");
    assertRefused(
        "{\"url\":\"https://a.example/\",\"callback\":{\"url\":\"http://h/\",\"events\":[\"done\"]}}",
        "/callback/events/0",
        "enum");
    assertRefused(
        "{\"url\":\"https://a.example/\",\"callback\":{\"headers\":{}}}", "/callback", "required");
    assertRefused(
        "{\"url\":\"https://a.example/\",\"extract_options\":{\"formats\":[\"pdf\"]}}",
        "/extract_options/formats/0",
        "enum");
  }

  @Test
  void unknownCrawlsAreNotFound() {
    for (String call : new String[] {"GET", "DELETE"}) {
      SimHttp.Resp r =
          call.equals("GET")
              ? http.get("/v1/crawl/00000000-0000-4000-8000-000000000000")
              : http.delete("/v2/crawl/00000000-0000-4000-8000-000000000000");
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().get("error").asText()).isEqualTo("Crawl not found");
    }
  }

  @Test
  void theListFiltersByStatusAndPagesNewestFirst() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = createCrawl("v1", "{\"url\":\"https://links0.list" + i + ".example/\"}").asText();
      awaitEnded("v1", id);
      ids.add(id);
    }
    JsonNode first = http.get("/v2/crawl?status=succeeded&limit=2").json();
    assertThat(first.get("data")).hasSize(2);
    assertThat(first.at("/data/0/id").asText()).isEqualTo(ids.get(2));
    assertThat(first.at("/data/0/crawl_id").asText()).isEqualTo(ids.get(2));
    assertThat(first.at("/data/0/status").asText()).isEqualTo("succeeded");
    assertThat(first.at("/data/1/id").asText()).isEqualTo(ids.get(1));
    assertThat(first.at("/pagination/has_next").asBoolean()).isTrue();
    String cursor = first.at("/pagination/next_cursor").asText();
    JsonNode second = http.get("/v1/crawl?status=succeeded&limit=2&cursor=" + cursor).json();
    assertThat(second.at("/data/0/id").asText()).isEqualTo(ids.get(0));
    assertThat(http.get("/v1/crawl?status=running").json().get("data")).isEmpty();
    assertThat(http.get("/v1/crawl?status=done").status()).isEqualTo(400);
  }

  @Test
  void faultsApplyToCrawlCalls() {
    sim.faults().serverErrors(1.0, 503);
    try {
      assertThat(http.post("/v1/crawl", "{\"url\":\"https://faulty.example/\"}").status())
          .isEqualTo(503);
      assertThat(http.get("/v1/crawl").status()).isEqualTo(503);
    } finally {
      sim.faults().clear();
    }
    assertThat(sim.stats().calls("POST /v1/crawl", 503)).isEqualTo(1);
    sim.faults().paymentRequired(Duration.ofSeconds(30));
    try {
      assertThat(http.post("/v2/crawl", "{\"url\":\"https://unpaid.example/\"}").status())
          .isEqualTo(402);
      assertThat(http.get("/v2/crawl").status()).isEqualTo(200);
    } finally {
      sim.faults().clear();
    }
  }

  @Test
  void pageTasksTakeSlotsOfThePlan() throws Exception {
    try (NimbleSimulator small = smallPlan(2, Duration.ofMillis(30))) {
      SimHttp client = new SimHttp(small);
      SimHttp.Resp created =
          client.post("/v1/crawl", "{\"url\":\"https://slots.example/\",\"limit\":12}");
      String id = created.json().get("crawl_id").asText();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> client.get("/v1/crawl/" + id).json().get("status").asText(),
              "succeeded"::equals);
      SimStats stats = small.stats();
      assertThat(stats.runningPeak()).isEqualTo(2);
      assertThat(stats.tasksCreated()).isEqualTo(12);
      assertThat(stats.completedOn("slots.example")).isEqualTo(12);
      assertThat(stats.slotUse().taskMillis()).isGreaterThanOrEqualTo(12 * 30);
      assertThat(stats.crawls()).isEqualTo(new SimStats.Crawls(1, 1, 0, 0, 12, 12, 0, 0));
    }
  }

  @Test
  void aCanceledCrawlStartsNoNewPagesAndEndsCanceled() throws Exception {
    try (NimbleSimulator small = smallPlan(1, Duration.ofMillis(200))) {
      SimHttp client = new SimHttp(small);
      String id =
          client
              .post("/v2/crawl", "{\"url\":\"https://cancel.example/\",\"limit\":50}")
              .json()
              .get("crawl_id")
              .asText();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> client.get("/v2/crawl/" + id).json().get("total").asInt() > 1);

      SimHttp.Resp canceled = client.delete("/v2/crawl/" + id);
      assertThat(canceled.status()).isEqualTo(200);
      assertThat(canceled.json().get("status").asText()).isEqualTo("canceled");
      JsonNode atCancel = client.get("/v2/crawl/" + id).json();
      assertThat(atCancel.get("status").asText()).isEqualTo("canceled");
      int total = atCancel.get("total").asInt();

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> client.get("/v2/crawl/" + id).json().get("pending").asInt() == 0);
      JsonNode ended = client.get("/v2/crawl/" + id).json();
      assertThat(ended.get("status").asText()).isEqualTo("canceled");
      assertThat(ended.get("total").asInt()).isEqualTo(total);
      assertThat(ended.get("failed").asInt()).isPositive();
      JsonNode dropped = null;
      for (JsonNode page : ended.get("tasks")) {
        if (page.get("status").asText().equals("failed")) {
          dropped = client.task(page.get("task_id").asText());
        }
      }
      assertThat(dropped.get("error_type").asText()).isEqualTo("canceled_error");
      SimStats stats = small.stats();
      assertThat(stats.completedOn("cancel.example")).isEqualTo(ended.get("completed").asLong());
      assertThat(stats.crawls().canceled()).isEqualTo(1);
      assertThat(stats.crawls().pagesCanceled()).isEqualTo(ended.get("failed").asLong());
      assertThat(stats.queuedNow()).isZero();
      assertThat(client.delete("/v1/crawl/" + id).status()).isEqualTo(200);

      String done =
          client
              .post("/v1/crawl", "{\"url\":\"https://links0.done.example/\"}")
              .json()
              .get("crawl_id")
              .asText();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> client.get("/v1/crawl/" + done).json().get("status").asText(),
              "succeeded"::equals);
      SimHttp.Resp late = client.delete("/v1/crawl/" + done);
      assertThat(late.status()).isEqualTo(400);
      assertThat(late.json().get("crawl_status").asText()).isEqualTo("succeeded");
    }
  }

  private static NimbleSimulator smallPlan(int slots, Duration taskDuration) throws Exception {
    return NimbleSimulator.start(
        SimConfig.builder()
            .apiKey(SimHttp.KEY)
            .maxConcurrentTasks(slots)
            .taskDuration(taskDuration)
            .requestsPerSecond(0)
            .build());
  }

  /** The paths of the pages a crawl of {@code body} fetched, from their results. */
  private static List<String> pagePaths(String body) {
    JsonNode ended = awaitEnded("v1", createCrawl("v1", body).asText());
    assertThat(ended.get("status").asText()).isEqualTo("succeeded");
    List<String> paths = new ArrayList<>();
    for (JsonNode page : ended.get("tasks")) {
      String url =
          http.get("/v1/tasks/" + page.get("task_id").asText() + "/results")
              .json()
              .get("url")
              .asText();
      paths.add(SyntheticSite.pathOf(url));
    }
    return paths;
  }

  private static JsonNode createCrawl(String version, String body) {
    SimHttp.Resp created = http.post("/" + version + "/crawl", body);
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    return created.json().get("crawl_id");
  }

  private static JsonNode awaitEnded(String version, String id) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              last[0] = http.get("/" + version + "/crawl/" + id).json();
              return !Set.of("queued", "running").contains(last[0].get("status").asText());
            });
    return last[0];
  }

  private static void assertRefused(String body, String field, String keyword) {
    SimHttp.Resp r = http.post("/v1/crawl", body);
    assertThat(r.status()).as(body).isEqualTo(400);
    JsonNode error = r.json().at("/details/schema_validation_errors/0");
    assertThat(error.get("instancePath").asText()).as(body).isEqualTo(field);
    assertThat(error.get("keyword").asText()).as(body).isEqualTo(keyword);
  }
}
