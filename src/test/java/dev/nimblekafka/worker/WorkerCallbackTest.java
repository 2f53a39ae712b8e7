package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
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
