package dev.nimblekafka.nimble;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Resilience4j around the client, against the simulator's faults. */
@Timeout(60)
class NimbleGatewayTest {
  private static final String KEY = "sk-gateway-test";
  private final ObjectMapper json = new ObjectMapper();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private NimbleSimulator sim;
  private NimbleClient client;
  private NimbleGateway gateway;

  @BeforeEach
  void start() throws Exception {
    sim =
        NimbleSimulator.start(SimConfig.builder().port(0).apiKey(KEY).requestsPerSecond(0).build());
    client =
        new NimbleClient(NimbleClientSettings.of(URI.create(sim.baseUrl()), ApiKey.of(KEY)), json);
    gateway =
        new NimbleGateway(
            client,
            new ResilienceSettings(
                1_000,
                4,
                Duration.ofMillis(50),
                Duration.ofSeconds(2),
                50,
                10,
                Duration.ofSeconds(30)),
            scheduler);
  }

  @AfterEach
  void stop() {
    client.close();
    sim.close();
    scheduler.shutdownNow();
  }

  private NimbleException failure(java.util.concurrent.CompletableFuture<?> call) throws Exception {
    try {
      call.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return NimbleException.of(e);
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void aCreateWhoseOwnerLetGoWhileItWaitedForAPermitIsNeverSent() throws Exception {
    // one call per second: the second create waits for its permit
    NimbleGateway paced =
        new NimbleGateway(
            client,
            new ResilienceSettings(
                1,
                4,
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                50,
                10,
                Duration.ofSeconds(30)),
            scheduler);
    java.util.concurrent.atomic.AtomicBoolean owned =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    paced
        .submitExtract(json.readTree("{\"url\":\"https://a.io/1\"}"), owned::get)
        .get(20, TimeUnit.SECONDS);
    var waiting = paced.submitExtract(json.readTree("{\"url\":\"https://a.io/2\"}"), owned::get);
    owned.set(false); // the partition is revoked while the create waits
    NimbleException refused = failure(waiting);
    assertThat(refused.code()).isEqualTo(NimbleException.Unavailable.FENCED);
    assertThat(sim.stats().callsTo("POST /v1/extract/async")).as("never sent").isEqualTo(1);
    assertThat(paced.circuitOpen()).isFalse();
  }

  @Test
  void fourHundredsNeverOpenTheCircuitNorAreRetried() throws Exception {
    for (int i = 0; i < 30; i++) {
      assertThat(failure(gateway.submitExtract(json.readTree("{\"url\":\"nope\"}"))).httpStatus())
          .isEqualTo(400);
    }
    assertThat(gateway.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(sim.stats().callsTo("POST /v1/extract/async"))
        .as("no retries of a 400")
        .isEqualTo(30);
  }

  @Test
  void serverErrorsOpenTheCircuitAndThenCallsFailFast() throws Exception {
    sim.faults().serverErrors(1.0);
    for (int i = 0; i < 10; i++) {
      failure(gateway.task("t-" + i));
    }
    assertThat(gateway.circuitOpen()).isTrue();
    long calls = sim.stats().totalCalls();
    NimbleException rejected =
        failure(gateway.submitExtract(json.readTree("{\"url\":\"https://a.io\"}")));
    assertThat(rejected.code()).isEqualTo("CIRCUIT_OPEN");
    assertThat(sim.stats().totalCalls()).as("no call while open").isEqualTo(calls);
  }

  @Test
  void aRateLimitStormIsWaitedOutHonouringRetryAfter() throws Exception {
    sim.faults().rateLimitStorm(Duration.ofSeconds(1));
    long started = System.nanoTime();
    TaskInfo created =
        gateway
            .submitExtract(json.readTree("{\"url\":\"https://a.io\"}"))
            .get(20, TimeUnit.SECONDS);
    assertThat(created.id()).isNotBlank();
    assertThat(sim.stats().calls("POST /v1/extract/async", 429)).isPositive();
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("waited for the storm (retry-after), not just the 50 ms backoff")
        .isGreaterThanOrEqualTo(Duration.ofMillis(500));
    assertThat(gateway.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aCreateWhoseAnswerIsLostIsNotSentAgainButFoundInTheRecentTasks() throws Exception {
    sim.faults().loseResponses(1.0);
    NimbleException lost =
        failure(gateway.submitExtract(json.readTree("{\"url\":\"https://a.io\",\"tag\":\"m-1\"}")));
    assertThat(lost).isInstanceOf(NimbleException.Unavailable.class);
    assertThat(((NimbleException.Unavailable) lost).mayHaveCreated()).isTrue();
    assertThat(sim.stats().tasksCreated()).as("created once, not retried").isEqualTo(1);
    sim.faults().clear();

    TaskPage page = gateway.recentTasks(null, 10).get(20, TimeUnit.SECONDS);
    assertThat(page.tasks()).hasSize(1);
    assertThat(page.tasks().get(0).input().path("tag").asText()).isEqualTo("m-1");
    assertThat(page.tasks().get(0).info().id()).isNotBlank();
  }

  @Test
  void aCreateRefusedWithA429IsSentAgainAtOnce() throws Exception {
    sim.faults().rateLimitStorm(Duration.ofMillis(300));
    gateway.submitExtract(json.readTree("{\"url\":\"https://a.io\"}")).get(20, TimeUnit.SECONDS);
    assertThat(sim.stats().tasksCreated()).isEqualTo(1);
  }
}
