package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nimblekafka.callback.CallbackTokens;
import dev.nimblekafka.sim.DurationDistribution;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Push completion: Nimble's callbacks make results arrive at once; polling is the safety net. */
@RealKafka
class WorkerCallbackTest {
  private static final String SECRET = "callback-secret-for-tests-0123456789";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static SimConfig sim() {
    return SimConfig.builder()
        .port(0)
        .apiKey(WorkerHarness.API_KEY)
        .maxConcurrentTasks(100)
        .requestsPerSecond(5_000)
        .taskDuration(DurationDistribution.uniform(Duration.ofMillis(500), Duration.ofSeconds(2)))
        .build();
  }

  private static Map<String, String> callbacks(int port, int targetPort) {
    return Map.of(
        "HTTP_PORT",
        Integer.toString(port),
        "CALLBACK_BASE_URL",
        "http://127.0.0.1:" + targetPort,
        "CALLBACK_SECRET",
        SECRET,
        "CALLBACK_SAFETY_INTERVAL",
        "5m");
  }

  @Test
  @Timeout(120)
  void resultsArriveWithinASecondOfCompletionWithAlmostNoStatusPolls(KafkaBroker broker)
      throws Exception {
    List<String> ids = IntStream.range(0, 120).mapToObj(i -> "cb-" + i).toList();
    try (NimbleSimulator sim = NimbleSimulator.start(sim());
        WorkerHarness harness = new WorkerHarness(broker, sim, 3, Map.of())) {
      int port = WorkerHarness.freePort();
      Worker worker = harness.startWorker("cb", callbacks(port, port));
      harness.produce(WorkerHarness.extractRequests("cb", 120));

      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(120, Duration.ofSeconds(60), Duration.ofSeconds(1));
      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(outcomes).allMatch(o -> o.topic().equals(harness.results));

      Timer latency = harness.meters(worker).get("nimble_worker_completion_to_result").timer();
      assertThat(latency.count()).isEqualTo(120);
      assertThat(latency.max(TimeUnit.MILLISECONDS))
          .as("completion to result, worst case")
          .isLessThan(1_000);
      double statusPerTask = sim.stats().callsTo("GET /v1/tasks/{id}") / 120.0;
      assertThat(statusPerTask).as("status checks per task").isLessThanOrEqualTo(1.1);
      assertThat(sim.stats().callbacksSent()).isEqualTo(120);
    }
  }

  @Test
  @Timeout(120)
  void forgedOversizedAndMisdirectedCallbacksChangeNothing(KafkaBroker broker) throws Exception {
    try (NimbleSimulator sim = NimbleSimulator.start(sim());
        WorkerHarness harness = new WorkerHarness(broker, sim, 2, Map.of())) {
      int port = WorkerHarness.freePort();
      Worker worker = harness.startWorker("forged", callbacks(port, port));
      await().atMost(Duration.ofSeconds(30)).until(() -> worker.status().ready());
      String base = "http://127.0.0.1:" + port + "/callbacks/nimble/";
      String body = "{\"status\":\"success\",\"task\":{\"id\":\"t-1\",\"state\":\"completed\"}}";
      String valid = new CallbackTokens(SECRET).token(0, "nobody");
      String forged = new CallbackTokens("another-secret-another-secret").token(0, "nobody");

      assertThat(post(base + forged, body)).isEqualTo(404);
      assertThat(post(base + "0.bm9ib2R5.AAAA", body)).isEqualTo(404);
      assertThat(post(base, body)).isEqualTo(404);
      assertThat(post(base + valid, "x".repeat(70_000))).isEqualTo(413);
      assertThat(post(base + valid, "not json")).isEqualTo(400);
      long before = sim.stats().totalCalls();
      assertThat(post(base + valid, body)).as("a valid token for no known task").isEqualTo(202);
      HttpResponse<String> get =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + valid)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(sim.stats().totalCalls()).as("no call to Nimble").isEqualTo(before);
      assertThat(
              harness
                  .meters(worker)
                  .counter("nimble_worker_callbacks", "outcome", "forged")
                  .count())
          .isEqualTo(3);
    }
  }

  @Test
  @Timeout(120)
  void aValidTokenReplayedForAnotherTaskOrAfterTheOutcomeChangesNothing(KafkaBroker broker)
      throws Exception {
    SimConfig slow =
        sim().toBuilder()
            .taskDuration(
                DurationDistribution.uniform(Duration.ofMillis(5_000), Duration.ofMillis(5_500)))
            .build();
    try (NimbleSimulator sim = NimbleSimulator.start(slow);
        WorkerHarness harness =
            new WorkerHarness(broker, sim, 1, Map.of("BATCH_SUBMIT", "false"))) {
      int port = WorkerHarness.freePort();
      Worker worker = harness.startWorker("replay", callbacks(port, port));
      harness.produce(WorkerHarness.extractRequests("rp", 2));
      Map<String, String> taskOf = new java.util.HashMap<>();
      for (var record :
          broker.readAll(
              harness.state,
              org.apache.kafka.common.IsolationLevel.READ_COMMITTED,
              4, // each request: recorded when consumed (no task yet), then with its task
              Duration.ofSeconds(30))) {
        var state = new com.fasterxml.jackson.databind.ObjectMapper().readTree(record.value());
        if (state.path("task_id").isTextual()) {
          taskOf.put(state.path("request_id").asText(), state.path("task_id").asText());
        }
      }
      assertThat(taskOf).containsOnlyKeys("rp-0", "rp-1");
      String base = "http://127.0.0.1:" + port + "/callbacks/nimble/";
      String tokenOfFirst = new CallbackTokens(SECRET).token(0, "rp-0");
      long checksBefore = sim.stats().callsTo("GET /v1/tasks/{id}");

      // the first request's token, with the second's task id and with a made-up one
      assertThat(post(base + tokenOfFirst, callback(taskOf.get("rp-1")))).isEqualTo(202);
      assertThat(post(base + tokenOfFirst, callback("no-such-task"))).isEqualTo(202);
      assertThatThrownBy(() -> harness.awaitOutcomes(1, Duration.ofMillis(1_500), Duration.ZERO))
          .as("nothing published while both tasks run")
          .isInstanceOf(AssertionError.class);
      assertThat(sim.stats().tasksCompleted()).isZero();
      assertThat(sim.stats().tasksCreated()).isEqualTo(2);
      assertThat(sim.stats().callsTo("GET /v1/tasks/{id}") - checksBefore)
          .as("status checks the misdirected callbacks caused")
          .isLessThanOrEqualTo(1);
      assertThat(
              harness
                  .meters(worker)
                  .counter("nimble_worker_callbacks", "outcome", "unknown_task")
                  .count())
          .isEqualTo(1);

      // the real callbacks end both; replaying them and the forged one afterwards does nothing
      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(2, Duration.ofSeconds(30), Duration.ZERO);
      assertThat(post(base + tokenOfFirst, callback(taskOf.get("rp-0")))).isEqualTo(202);
      assertThat(post(base + tokenOfFirst, callback(taskOf.get("rp-1")))).isEqualTo(202);
      outcomes = harness.awaitOutcomes(2, Duration.ofSeconds(5), Duration.ofSeconds(2));
      WorkerHarness.exactlyOnce(outcomes, List.of("rp-0", "rp-1"));
      assertThat(outcomes).allMatch(o -> o.topic().equals(harness.results));
      assertThat(sim.stats().tasksCreated()).isEqualTo(2);
    }
  }

  @Test
  @Timeout(90)
  void callbackBodiesAreLimitedToTheirSizeAndMethodsToPost(KafkaBroker broker) throws Exception {
    try (NimbleSimulator sim = NimbleSimulator.start(sim());
        WorkerHarness harness = new WorkerHarness(broker, sim, 1, Map.of())) {
      int port = WorkerHarness.freePort();
      Worker worker = harness.startWorker("limits", callbacks(port, port));
      await().atMost(Duration.ofSeconds(30)).until(() -> worker.status().ready());
      String url =
          "http://127.0.0.1:"
              + port
              + "/callbacks/nimble/"
              + new CallbackTokens(SECRET).token(0, "x");
      String head = "{\"task\":{\"id\":\"t-1\"},\"pad\":\"";
      String atLimit = head + "p".repeat(65_536 - head.length() - 2) + "\"}";
      assertThat(atLimit.length()).isEqualTo(65_536);

      assertThat(post(url, atLimit)).as("a body of exactly the limit").isEqualTo(202);
      assertThat(post(url, atLimit + " ")).as("one byte more").isEqualTo(413);
      assertThat(post(url, "[".repeat(20_000) + "]".repeat(20_000))).isEqualTo(400);
      for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
        HttpResponse<Void> response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                    .method(method, HttpRequest.BodyPublishers.ofString(atLimit))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).as(method).isEqualTo(405);
      }
      assertThat(worker.status().live()).isTrue();
      assertThat(sim.stats().totalCalls()).as("no call to Nimble").isZero();
    }
  }

  private static String callback(String taskId) {
    return "{\"status\":\"success\",\"task\":{\"id\":\"" + taskId + "\",\"state\":\"completed\"}}";
  }

  @Test
  @Timeout(150)
  void aPodThatDoesNotOwnTheTaskForwardsTheCallbackToTheOwner(KafkaBroker broker) throws Exception {
    List<String> ids = IntStream.range(0, 80).mapToObj(i -> "fwd-" + i).toList();
    try (NimbleSimulator sim = NimbleSimulator.start(sim());
        WorkerHarness harness = new WorkerHarness(broker, sim, 4, Map.of())) {
      int portA = WorkerHarness.freePort();
      int portB = WorkerHarness.freePort();
      // every callback goes to B, as a load balancer in front of the pods might send it
      Worker a = harness.startWorker("fwd-a", callbacks(portA, portB));
      Worker b = harness.startWorker("fwd-b", callbacks(portB, portB));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  a.status().ready()
                      && b.status().ready()
                      && a.status().assignedPartitions() == 2
                      && b.status().assignedPartitions() == 2);
      harness.produce(WorkerHarness.extractRequests("fwd", 80));

      // the safety net polls only after 5 minutes: finishing now needs the forwarded callbacks
      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(80, Duration.ofSeconds(60), Duration.ofSeconds(1));
      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(
              harness.meters(b).counter("nimble_worker_callbacks", "outcome", "forwarded").count())
          .as("callbacks B forwarded to A")
          .isPositive();
      assertThat(harness.meters(a).get("nimble_worker_completion_to_result").timer().count())
          .as("results A published")
          .isPositive();
    }
  }

  private static int post(String url, String body) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
