package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every injected fault, switched on and off at run time in-process and over the admin API. */
@Timeout(30)
class SimFaultsTest {
  private NimbleSimulator sim;
  private SimHttp http;
  private SimHttp admin;

  @BeforeEach
  void start() throws Exception {
    sim =
        NimbleSimulator.start(
            SimConfig.builder()
                .apiKey(SimHttp.KEY)
                .taskDuration(Duration.ofMillis(20))
                .requestsPerSecond(0)
                .build());
    http = new SimHttp(sim);
    admin = http.withKey(null);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void latencyDelaysEveryCallUntilCleared() {
    sim.faults().latency(Duration.ofMillis(400));
    long slow = timed(() -> assertThat(http.get("/v1/tasks").status()).isEqualTo(200));

    sim.faults().latency(Duration.ZERO);
    long fast = timed(() -> assertThat(http.get("/v1/tasks").status()).isEqualTo(200));

    assertThat(slow).isGreaterThanOrEqualTo(400);
    assertThat(fast).isLessThan(400);
  }

  @Test
  void serverErrorsUseNimblesBodyFor500AndAProxyPageFor502And503() {
    String id = http.submit("https://a.example");
    sim.faults().serverErrors(1.0);
    SimHttp.Resp r500 = http.get("/v1/tasks/" + id);
    assertThat(r500.status()).isEqualTo(500);
    assertThat(r500.json().get("success").asText()).isEqualTo("false");
    assertThat(r500.json().get("task_id").asText()).isEqualTo(id);
    assertThat(r500.json().get("message").asText()).isEqualTo(Replies.SERVER_ERROR_MESSAGE);

    SimHttp.Resp set = admin.post("/sim/faults", "{\"error_rate\":1,\"error_status\":502}");
    assertThat(set.json().get("error_status").asInt()).isEqualTo(502);
    SimHttp.Resp r502 = http.post("/v1/extract/async", "{\"url\":\"https://b.example\"}");
    assertThat(r502.status()).isEqualTo(502);
    assertThat(r502.header("content-type")).startsWith("text/html");
    sim.faults().serverErrors(1.0, 503);
    assertThat(http.get("/v1/tasks").status()).isEqualTo(503);

    admin.post("/sim/faults", "{\"error_rate\":0}");
    assertThat(http.get("/v1/tasks/" + id).status()).isEqualTo(200);
    assertThat(sim.stats().calls("GET /v1/tasks/{id}", 500)).isEqualTo(1);
    assertThat(sim.stats().tasksCreated()).isEqualTo(1);
  }

  @Test
  void aStormAnswersEveryCall429WithRetryAfterUntilItEnds() {
    SimHttp.Resp set = admin.post("/sim/faults", "{\"storm_seconds\":1}");
    assertThat(set.json().get("storm_ms").asLong()).isBetween(1L, 1000L);

    SimHttp.Resp r = http.post("/v1/extract/async", "{\"url\":\"https://a.example\"}");
    assertThat(r.status()).isEqualTo(429);
    JsonNode error = r.json().get("error");
    assertThat(error.get("code").asText()).isEqualTo("RATE_LIMIT_EXCEEDED");
    assertThat(error.get("message").asText()).startsWith("Rate limit exceeded");
    assertThat(error.get("retry_after").asLong()).isEqualTo(1);
    assertThat(r.header("Retry-After")).isEqualTo("1");
    assertThat(http.withKey("wrong").get("/v1/tasks").status()).isEqualTo(429);

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> http.get("/v1/tasks").status() == 200);
    assertThat(sim.stats().tasksCreated()).isZero();
  }

  @Test
  void aStormWithAFixedRetryAfterAnswersThatValueUntilItEnds() {
    SimHttp.Resp set =
        admin.post("/sim/faults", "{\"storm_seconds\":1,\"storm_retry_after\":3600}");
    assertThat(set.json().get("storm_retry_after").asLong()).isEqualTo(3600);

    SimHttp.Resp r = http.post("/v1/extract/async", "{\"url\":\"https://a.example\"}");
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.header("Retry-After")).isEqualTo("3600");
    assertThat(r.json().get("error").get("retry_after").asLong()).isEqualTo(3600);
    assertThat(http.get("/v1/tasks").header("Retry-After")).isEqualTo("3600");

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> http.get("/v1/tasks").status() == 200);
    assertThat(http.post("/v1/extract/async", "{\"url\":\"https://a.example\"}").status())
        .isEqualTo(200);
    assertThat(sim.stats().tasksCreated()).isEqualTo(1);
  }

  @Test
  void aStormRetryAfterSetInProcessIsRoundedUpToWholeSeconds() {
    sim.faults().rateLimitStorm(Duration.ofSeconds(2), Duration.ofMillis(1500));

    SimHttp.Resp r = http.get("/v1/tasks");
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.header("Retry-After")).isEqualTo("2");
    assertThat(admin.get("/sim/faults").json().get("storm_retry_after").asLong()).isEqualTo(2);

    sim.faults().clear();
    assertThat(http.get("/v1/tasks").status()).isEqualTo(200);
    assertThat(admin.get("/sim/faults").json().get("storm_retry_after").asLong()).isZero();
  }

  @Test
  void aNegativeStormRetryAfterIsRefusedNamingTheField() {
    SimHttp.Resp r = admin.post("/sim/faults", "{\"storm_retry_after\":-1}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("msg").asText())
        .isEqualTo("storm_retry_after must be >= 0 seconds but was -1");
  }

  @Test
  void aCreateMarkedSimForbidIsRefused403AndCreatesNothingWhileOthersPass() {
    SimHttp.Resp forbidden =
        http.post("/v1/extract/async", "{\"url\":\"https://a.example/x?sim:forbid\"}");
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.json().get("status").asText()).isEqualTo("failed");
    assertThat(forbidden.json().get("msg").asText())
        .isEqualTo("Account blocked or pipeline not activated");
    SimHttp.Resp tagged =
        http.post("/v1/extract", "{\"url\":\"https://b.example\",\"tag\":\"sim:forbid\"}");
    assertThat(tagged.status()).isEqualTo(403);
    SimHttp.Resp agent =
        http.post(
            "/v1/agents/async",
            "{\"agent\":\"amazon_pdp\",\"params\":{\"asin\":\"B1\",\"tag\":\"sim:forbid\"}}");
    assertThat(agent.status()).isEqualTo(403);
    SimHttp.Resp batch =
        http.post(
            "/v1/extract/batch",
            "{\"inputs\":[{\"url\":\"https://c.example\"},"
                + "{\"url\":\"https://d.example/sim:forbid\"}]}");
    assertThat(batch.status()).isEqualTo(403);

    assertThat(http.post("/v1/extract/async", "{\"url\":\"https://e.example\"}").status())
        .isEqualTo(200);
    assertThat(sim.stats().tasksCreated()).isEqualTo(1);
    assertThat(sim.stats().calls("POST /v1/extract/async", 403)).isEqualTo(1);
  }

  @Test
  void anOutageDropsEveryApiConnectionWhileTheAdminApiKeepsWorking() {
    sim.faults().outage(Duration.ofSeconds(1));

    assertThatThrownBy(() -> http.get("/v1/tasks")).isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> http.post("/v1/extract/async", "{\"url\":\"https://a.example\"}"))
        .isInstanceOf(UncheckedIOException.class);
    assertThat(admin.get("/sim/stats").status()).isEqualTo(200);
    assertThat(admin.get("/sim/faults").json().get("outage_ms").asLong()).isPositive();

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> http.get("/v1/tasks").status() == 200);
    assertThat(sim.stats().calls("POST /v1/extract/async", "dropped")).isEqualTo(1);
    assertThat(sim.stats().tasksCreated()).isZero();
  }

  @Test
  void droppedConnectionsHappenBeforeTheCallIsHandled() {
    sim.faults().dropConnections(1.0);
    assertThatThrownBy(() -> http.post("/v1/extract/async", "{\"url\":\"https://a.example\"}"))
        .isInstanceOf(UncheckedIOException.class);

    sim.faults().dropConnections(0);
    assertThat(http.get("/v1/tasks").status()).isEqualTo(200);
    assertThat(sim.stats().tasksCreated()).isZero();
    assertThat(sim.stats().calls("POST /v1/extract/async", "dropped")).isEqualTo(1);
  }

  @Test
  void lostResponsesHappenAfterTheTaskWasCreated() {
    admin.post("/sim/faults", "{\"lost_response_rate\":1.0}");
    assertThatThrownBy(() -> http.post("/v1/extract/async", "{\"url\":\"https://a.example\"}"))
        .isInstanceOf(UncheckedIOException.class);

    admin.post("/sim/faults", "{\"lost_response_rate\":0}");
    assertThat(sim.stats().tasksCreated()).isEqualTo(1);
    assertThat(http.get("/v1/tasks").json().get("data")).hasSize(1);
  }

  @Test
  void slowBodiesAreWrittenOverTheGivenTimeAndArriveWhole() {
    String id = http.submit("https://a.example");
    sim.faults().slowBodies(Duration.ofMillis(500));

    long[] elapsed = new long[1];
    SimHttp.Resp[] answer = new SimHttp.Resp[1];
    elapsed[0] = timed(() -> answer[0] = http.get("/v1/tasks/" + id));

    assertThat(elapsed[0]).isGreaterThanOrEqualTo(450);
    assertThat(answer[0].json().at("/task/id").asText()).isEqualTo(id);
    sim.faults().slowBodies(Duration.ZERO);
    assertThat(timed(() -> http.get("/v1/tasks/" + id))).isLessThan(450);
  }

  @Test
  void aPaymentPeriodAnswersTaskCreation402AndLetsReadsThrough() {
    String id = http.submit("https://a.example");
    sim.faults().paymentRequired(Duration.ofSeconds(1));

    SimHttp.Resp r = http.post("/v1/extract/async", "{\"url\":\"https://b.example\"}");
    assertThat(r.status()).isEqualTo(402);
    assertThat(r.json().get("status").asText()).isEqualTo("failed");
    assertThat(r.json().get("msg").asText()).isEqualTo("no budget");
    assertThat(http.post("/v1/agents/batch", "{}").status()).isEqualTo(402);
    assertThat(http.get("/v1/tasks/" + id).status()).isEqualTo(200);

    admin.post("/sim/faults", "{\"payment_seconds\":5,\"payment_msg\":\"trial expired\"}");
    assertThat(
            http.post("/v1/extract", "{\"url\":\"https://c.example\"}").json().get("msg").asText())
        .isEqualTo("trial expired");

    admin.delete("/sim/faults");
    assertThat(http.post("/v1/extract/async", "{\"url\":\"https://d.example\"}").status())
        .isEqualTo(200);
  }

  @Test
  void faultsCanBeInForceFromTheStart() throws Exception {
    try (NimbleSimulator faulty =
        NimbleSimulator.start(
            SimConfig.builder().faults(FaultSettings.NONE.withServerErrors(1.0, 503)).build())) {
      SimHttp client = new SimHttp(faulty);

      assertThat(client.get("/v1/tasks").status()).isEqualTo(503);
      assertThat(faulty.faults().current().errorRate()).isEqualTo(1.0);
    }
  }

  @Test
  void theAdminApiRejectsUnknownFaultsAndReportsTheCurrentOnes() {
    SimHttp.Resp unknown = admin.post("/sim/faults", "{\"earthquake\":true}");
    SimHttp.Resp badValue = admin.post("/sim/faults", "{\"error_rate\":2}");
    SimHttp.Resp notJson = admin.post("/sim/faults", "storm");

    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("msg").asText()).contains("earthquake");
    assertThat(badValue.status()).isEqualTo(400);
    assertThat(notJson.status()).isEqualTo(400);
    JsonNode current = admin.post("/sim/faults", "{\"latency_ms\":5,\"drop_rate\":0.25}").json();
    assertThat(current.get("latency_ms").asLong()).isEqualTo(5);
    assertThat(current.get("drop_rate").asDouble()).isEqualTo(0.25);
    assertThat(admin.delete("/sim/faults").json().get("drop_rate").asDouble()).isZero();
    assertThat(admin.get("/sim/health").json().get("status").asText()).isEqualTo("ok");
  }

  private static long timed(Runnable call) {
    long start = System.nanoTime();
    call.run();
    return (System.nanoTime() - start) / 1_000_000;
  }
}
