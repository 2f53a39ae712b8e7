package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Counters, duplicate submissions and reset, in-process and over {@code /sim/stats}. */
@Timeout(30)
class SimStatsTest {
  private NimbleSimulator sim;
  private SimHttp http;

  @BeforeEach
  void start() throws Exception {
    sim =
        NimbleSimulator.start(
            SimConfig.builder()
                .apiKey(SimHttp.KEY)
                .taskDuration(Duration.ofMillis(30))
                .requestsPerSecond(0)
                .build());
    http = new SimHttp(sim);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void callsAreCountedByEndpointAndStatus() {
    String id = http.submit("https://a.example");
    http.post("/v1/extract/async", "{}");
    http.get("/v1/tasks/" + id);
    http.get("/v1/tasks/" + id);
    http.withKey("bad").get("/v1/tasks/" + id);
    http.get("/v1/batches/nope");

    SimStats stats = sim.stats();

    assertThat(stats.calls("POST /v1/extract/async", 200)).isEqualTo(1);
    assertThat(stats.calls("POST /v1/extract/async", 400)).isEqualTo(1);
    assertThat(stats.calls("GET /v1/tasks/{id}", 200)).isEqualTo(2);
    assertThat(stats.calls("GET /v1/tasks/{id}", 401)).isEqualTo(1);
    assertThat(stats.calls("GET /v1/batches/{id}", 404)).isEqualTo(1);
    assertThat(stats.callsTo("GET /v1/tasks/{id}")).isEqualTo(3);
    assertThat(stats.totalCalls()).isEqualTo(6);
    assertThat(stats.tasksCreated()).isEqualTo(1);
    JsonNode json = http.withKey(null).get("/sim/stats").json();
    assertThat(json.at("/calls/GET ~1v1~1tasks~1{id}/200").asLong()).isEqualTo(2);
    assertThat(json.get("tasks_created").asLong()).isEqualTo(1);
    for (String field :
        new String[] {
          "duplicate_inputs",
          "duplicate_inputs_live",
          "running_now",
          "running_peak",
          "queued_now",
          "callbacks_sent",
          "callbacks_failed"
        }) {
      assertThat(json.has(field)).as(field).isTrue();
    }
  }

  @Test
  void completedTasksAreCountedByTheHostOfTheirPageAndTheirDriver() {
    String a1 = http.submitJson("{\"url\":\"https://acme.example/1\"}");
    String a2 = http.submitJson("{\"url\":\"https://ACME.example/2\",\"driver\":\"vx10\"}");
    String b1 = http.submitJson("{\"url\":\"https://beta.example/1\",\"render\":true}");
    String failed = http.submitJson("{\"url\":\"https://beta.example/2\",\"tag\":\"sim:fail\"}");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                http.state(a1).equals("completed")
                    && http.state(a2).equals("completed")
                    && http.state(b1).equals("completed")
                    && http.state(failed).equals("failed"));

    SimStats stats = sim.stats();

    assertThat(stats.completedOn("acme.example")).isEqualTo(2);
    assertThat(stats.completedOn("beta.example")).as("a failed task is not billed").isEqualTo(1);
    assertThat(stats.completedByDriver())
        .containsEntry("vx6", 1L)
        .containsEntry("vx10", 1L)
        .containsEntry("vx8", 1L);
    JsonNode json = http.withKey(null).get("/sim/stats").json();
    assertThat(json.at("/tasks_completed_by_host/acme.example").asLong()).isEqualTo(2);
    assertThat(json.at("/tasks_completed_by_driver/vx10").asLong()).isEqualTo(1);
  }

  @Test
  void duplicateInputsAreCountedAndLiveOnesSeparately() {
    String failing = "{\"url\":\"https://x.example\",\"tag\":\"sim:fail\"}";
    String first = http.submitJson(failing);
    await().atMost(Duration.ofSeconds(5)).until(() -> http.state(first).equals("failed"));
    http.submitJson(failing);
    assertThat(sim.stats().duplicateInputs()).isEqualTo(1);
    assertThat(sim.stats().duplicateInputsLive()).isZero();

    http.submitJson("{\"url\":\"https://y.example\",\"render\":true}");
    http.submitJson(
        "{\"render\":true,\"url\":\"https://y.example\",\"callback_url\":\"http://127.0.0.1:9/\"}");
    http.submitJson("{\"url\":\"https://y.example\",\"render\":false}");
    http.post(
        "/v1/extract/batch", "{\"inputs\":[{\"url\":\"https://y.example\",\"render\":true}]}");
    http.post(
        "/v1/agents/async",
        "{\"agent\":\"google_search\",\"params\":{\"url\":\"https://y.example\"}}");

    SimStats stats = sim.stats();
    assertThat(stats.tasksCreated()).isEqualTo(7);
    assertThat(stats.duplicateInputs()).isEqualTo(3);
    assertThat(stats.duplicateInputsLive()).isEqualTo(2);
    JsonNode json = http.withKey(null).get("/sim/stats").json();
    assertThat(json.get("duplicate_inputs").asLong()).isEqualTo(3);
    assertThat(json.get("duplicate_inputs_live").asLong()).isEqualTo(2);
  }

  @Test
  void runningAndQueuedAreReportedNowAndAtPeak() throws Exception {
    try (NimbleSimulator small =
        NimbleSimulator.start(
            SimConfig.builder()
                .maxConcurrentTasks(1)
                .taskDuration(Duration.ofMillis(300))
                .build())) {
      SimHttp client = new SimHttp(small);
      String a = client.submit("https://a.example");
      String b = client.submit("https://b.example");

      JsonNode now = client.get("/sim/stats").json();
      assertThat(now.get("running_now").asInt()).isEqualTo(1);
      assertThat(now.get("queued_now").asInt()).isEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> client.state(a).equals("completed") && client.state(b).equals("completed"));
      SimStats after = small.stats();
      assertThat(after.runningNow()).isZero();
      assertThat(after.runningPeak()).isEqualTo(1);
      assertThat(after.tasksCompleted()).isEqualTo(2);
    }
  }

  @Test
  void slotUseWaitAndMakespanAreReportedOverHttp() throws Exception {
    try (NimbleSimulator small =
        NimbleSimulator.start(
            SimConfig.builder()
                .maxConcurrentTasks(1)
                .taskDuration(Duration.ofMillis(100))
                .build())) {
      SimHttp client = new SimHttp(small);
      // one batch: the three tasks are created together and queue for the one slot
      client.post(
          "/v1/extract/batch",
          "{\"inputs\":[{\"url\":\"https://a.example\"},{\"url\":\"https://b.example\"},"
              + "{\"url\":\"https://c.example\"}]}");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> small.stats().tasksCompleted() == 3 && small.stats().runningNow() == 0);

      JsonNode json = client.get("/sim/stats").json();

      assertThat(json.get("slots").asInt()).isEqualTo(1);
      assertThat(json.get("task_seconds").asDouble()).isEqualTo(0.3);
      assertThat(json.get("longest_task_seconds").asDouble()).isEqualTo(0.1);
      assertThat(json.get("makespan_lower_bound_seconds").asDouble()).isEqualTo(0.3);
      // the scheduler's timer and the clock's milliseconds may differ by a millisecond or two
      assertThat(json.get("busy_slot_seconds").asDouble()).isGreaterThanOrEqualTo(0.29);
      // b waited for a's 100 ms, c for a's and b's
      assertThat(json.get("slot_wait_seconds").asDouble()).isGreaterThanOrEqualTo(0.28);
      double makespan = json.get("makespan_seconds").asDouble();
      assertThat(makespan).isGreaterThanOrEqualTo(json.get("busy_slot_seconds").asDouble());
      assertThat(json.get("slot_use").asDouble()).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
      assertThat(json.get("last_ended_at").asLong() - json.get("first_created_at").asLong())
          .isEqualTo(Math.round(makespan * 1000));
      // c, the last, started once a and b had run: the one slot was busy until then
      assertThat(json.get("last_started_at").asLong() - json.get("first_created_at").asLong())
          .isGreaterThanOrEqualTo(190);
      assertThat(json.get("backlog_slot_use").asDouble())
          .isGreaterThan(0.9)
          .isLessThanOrEqualTo(1.0);
      double busyBySecond = 0;
      for (JsonNode second : json.get("slots_by_second")) {
        assertThat(second.get("busy").asDouble()).isBetween(0.0, 1.0);
        busyBySecond += second.get("busy").asDouble();
      }
      assertThat(busyBySecond).isCloseTo(json.get("busy_slot_seconds").asDouble(), within(1e-9));
    }
  }

  @Test
  void resetZeroesCountersAndStartsDuplicateCountingAfresh() {
    String id = http.submit("https://a.example");
    http.submit("https://a.example");
    assertThat(sim.stats().duplicateInputs()).isEqualTo(1);

    SimHttp.Resp reset = http.withKey(null).post("/sim/reset", "");
    assertThat(reset.status()).isEqualTo(200);

    SimStats zeroed = sim.stats();
    assertThat(zeroed.calls()).isEmpty();
    assertThat(zeroed.tasksCreated()).isZero();
    assertThat(zeroed.duplicateInputs()).isZero();
    http.submit("https://a.example");
    assertThat(sim.stats().duplicateInputs()).isZero();
    assertThat(http.get("/v1/tasks/" + id).status()).isEqualTo(200);
    sim.resetStats();
    assertThat(sim.stats().totalCalls()).isZero();
    assertThat(sim.stats().slotUse().firstCreatedAt()).isEqualTo(-1);
  }
}
