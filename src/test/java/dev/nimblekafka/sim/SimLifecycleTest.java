package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Task states, plan concurrency, pending expiry and retention. */
@Timeout(30)
class SimLifecycleTest {

  @ParameterizedTest
  @EnumSource(StateVocabulary.class)
  void tasksMoveThroughTheStatesOfTheChosenVocabulary(StateVocabulary states) throws Exception {
    try (NimbleSimulator sim =
        NimbleSimulator.start(
            SimConfig.builder()
                .states(states)
                .maxConcurrentTasks(1)
                .taskDuration(Duration.ofMillis(600))
                .build())) {
      SimHttp http = new SimHttp(sim);
      SimHttp.Resp first = http.post("/v1/extract/async", "{\"url\":\"https://a.example\"}");
      SimHttp.Resp second =
          http.post("/v1/extract/async", "{\"url\":\"https://b.example\",\"tag\":\"sim:fail\"}");
      String running = first.json().at("/task/id").asText();
      String waiting = second.json().at("/task/id").asText();

      assertThat(first.json().at("/task/state").asText()).isEqualTo("pending");
      assertThat(second.json().at("/task/state").asText()).isEqualTo("pending");
      assertThat(http.state(running)).isEqualTo(states.running());
      assertThat(http.state(waiting)).isEqualTo(states.waiting());

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> http.state(running).equals(states.completed()));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> http.state(waiting).equals(states.failed()));
      assertThat(http.task(waiting).get("error").asText()).isNotBlank();
    }
  }

  @Test
  void thePlanLimitsRunningTasksAndTheRestWaitInOrder() throws Exception {
    try (NimbleSimulator sim =
        NimbleSimulator.start(
            SimConfig.builder()
                .plan("2")
                .taskDuration(Duration.ofMillis(400))
                .requestsPerSecond(0)
                .build())) {
      SimHttp http = new SimHttp(sim);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(http.submit("https://example.com/plan/" + i));
      }

      SimStats atStart = sim.stats();
      assertThat(atStart.runningNow()).isEqualTo(2);
      assertThat(atStart.queuedNow()).isEqualTo(3);
      // five status calls in a row are not one instant (a task can end and the next start between
      // them), so the limit is judged by the simulator's own peak, counted where slots are taken
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> ids.stream().allMatch(id -> http.state(id).equals("completed")));

      assertThat(sim.stats().runningPeak()).isEqualTo(2);
      assertThat(sim.stats().queuedNow()).isZero();
      List<Instant> starts = new ArrayList<>();
      for (String id : ids) {
        JsonNode metadata = http.get("/v1/tasks/" + id + "/results").json().get("metadata");
        assertThat(metadata.get("query_duration").asLong()).isBetween(390L, 3_000L);
        starts.add(Instant.parse(metadata.get("query_time").asText()));
      }
      assertThat(starts).isSorted();
      assertThat(Duration.between(starts.get(0), starts.get(4)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(750));
    }
  }

  @Test
  void aTaskThatNeverStartsExpiresAndIsThenNotFound() throws Exception {
    try (NimbleSimulator sim =
        NimbleSimulator.start(
            SimConfig.builder()
                .maxConcurrentTasks(1)
                .taskDuration(Duration.ofSeconds(20))
                .pendingExpiry(Duration.ofMillis(500))
                .build())) {
      SimHttp http = new SimHttp(sim);
      String running = http.submit("https://example.com/slot");
      String waiting = http.submit("https://example.com/waits");
      assertThat(http.state(waiting)).isEqualTo("pending");

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> http.get("/v1/tasks/" + waiting).status() == 404);

      assertThat(http.get("/v1/tasks/" + waiting).json().get("error").asText())
          .isEqualTo("Task not found");
      assertThat(http.state(running)).isEqualTo("running");
      await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().tasksExpired() == 1);
      assertThat(sim.stats().queuedNow()).isZero();
    }
  }

  @Test
  void finishedTasksAndTheirResultsAreGoneAfterTheRetention() throws Exception {
    try (NimbleSimulator sim =
        NimbleSimulator.start(
            SimConfig.builder()
                .taskDuration(Duration.ZERO)
                .retention(Duration.ofMillis(800))
                .build())) {
      SimHttp http = new SimHttp(sim);
      String id = http.submit("https://example.com/retained");
      String batch =
          http.post("/v1/extract/batch", "{\"inputs\":[{\"url\":\"https://example.com/b\"}]}")
              .json()
              .get("batch_id")
              .asText();
      await().atMost(Duration.ofSeconds(5)).until(() -> http.state(id).equals("completed"));
      assertThat(http.get("/v1/tasks/" + id + "/results").status()).isEqualTo(200);

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> http.get("/v1/tasks/" + id).status() == 404);

      assertThat(http.get("/v1/tasks/" + id + "/results").json().get("error").asText())
          .isEqualTo("Task not found");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> http.get("/v1/batches/" + batch).status() == 404);
      await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().tasksStored() == 0);
    }
  }

  @Test
  void retentionFollowsTheInjectedClock() throws Exception {
    ManualClock clock = new ManualClock();
    try (NimbleSimulator sim =
        NimbleSimulator.start(
            SimConfig.builder().taskDuration(Duration.ZERO).clock(clock).build())) {
      SimHttp http = new SimHttp(sim);
      String id = http.submit("https://example.com/clock");
      await().atMost(Duration.ofSeconds(5)).until(() -> http.state(id).equals("completed"));

      clock.advance(Duration.ofHours(47));
      assertThat(http.get("/v1/tasks/" + id).status()).isEqualTo(200);
      clock.advance(Duration.ofHours(1));
      assertThat(http.get("/v1/tasks/" + id).status()).isEqualTo(404);
    }
  }
}
