package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.sim.DurationDistribution;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.LogCapture;
import dev.nimblekafka.testkit.RealKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Security checks with the real worker: Kafka over SASL/PLAIN through {@code KAFKA_*} variables,
 * and the Nimble API key in no log line, outcome record, metric, health answer or exception.
 */
@RealKafka
class WorkerSecurityTest {
  /** Distinctive: no 12-character part of it occurs anywhere by chance. */
  private static final String API_KEY = "nk_7Hq2Vx9Lp4Rt8Zw3Mc6Yb1Jd5Qe";

  private static final String WRONG_PASSWORD = "wrong-pw-Qz81Lm0Xv4Kd";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Everything the worker's own and its libraries' loggers say, the Kafka clients included. */
  private static final Map<String, Level> VERBOSE =
      Map.of(
          "dev.nimblekafka", Level.DEBUG,
          "org.apache.kafka.clients", Level.INFO,
          "io.github.resilience4j", Level.DEBUG);

  private static SimConfig.Builder sim(String acceptedKey) {
    return SimConfig.builder()
        .port(0)
        .apiKey(acceptedKey)
        .maxConcurrentTasks(100)
        .requestsPerSecond(5_000)
        .taskDuration(DurationDistribution.uniform(Duration.ofMillis(50), Duration.ofMillis(300)));
  }

  // ---- SASL/PLAIN ---------------------------------------------------------------------------

  @Test
  @Timeout(120)
  void aWorkerGivenSaslPlainThroughKafkaVariablesProcessesRequests(KafkaBroker broker)
      throws Exception {
    assumeTrue(broker.supportsSasl(), "no SASL listener on " + broker.description());
    Map<String, String> sasl =
        broker.saslEnvironment(KafkaBroker.SASL_USERNAME, KafkaBroker.SASL_PASSWORD);
    try (LogCapture logs = LogCapture.start(VERBOSE);
        NimbleSimulator sim = NimbleSimulator.start(sim(WorkerHarness.API_KEY).build());
        WorkerHarness harness = new WorkerHarness(broker, sim, 2, sasl)) {
      assertThat(harness.environment("sasl"))
          .containsEntry("KAFKA_BOOTSTRAP_SERVERS", broker.saslBootstrapServers());
      Worker worker = harness.startWorker("sasl");
      harness.produce(WorkerHarness.extractRequests("sasl", 10));
      harness.produce(List.of("{\"request_id\":\"sasl-bad\",\"extract\":{}}"));

      List<WorkerHarness.Outcome> outcomes =
          harness.awaitOutcomes(11, Duration.ofSeconds(60), Duration.ofSeconds(1));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ids.add("sasl-" + i);
      }
      ids.add("sasl-bad");
      WorkerHarness.exactlyOnce(outcomes, ids);
      assertThat(worker.status().live()).isTrue();
      assertThat(logs.lines()).noneMatch(line -> line.contains(KafkaBroker.SASL_PASSWORD));
    }
  }

  @Test
  @Timeout(90)
  void aWrongSaslPasswordFailsStartUpClearlyWithoutPrintingIt(KafkaBroker broker) throws Exception {
    assumeTrue(broker.supportsSasl(), "no SASL listener on " + broker.description());
    Map<String, String> sasl = broker.saslEnvironment(KafkaBroker.SASL_USERNAME, WRONG_PASSWORD);
    try (LogCapture logs = LogCapture.start(VERBOSE);
        NimbleSimulator sim = NimbleSimulator.start(sim(WorkerHarness.API_KEY).build());
        WorkerHarness harness = new WorkerHarness(broker, sim, 1, sasl)) {
      var config = ConfigLoader.load(harness.environment("wrong-pw"), Optional.empty());
      long started = System.nanoTime();

      // as the worker command does: construction checks the topics, then "Cannot start: <why>"
      assertThatThrownBy(() -> new Worker(config, new SimpleMeterRegistry(), Clock.systemUTC()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(broker.saslBootstrapServers())
          .hasMessageContaining("SaslAuthenticationException")
          .satisfies(e -> assertThat(chain(e)).doesNotContain(WRONG_PASSWORD));

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(45));
      assertThat(logs.lines()).noneMatch(line -> line.contains(WRONG_PASSWORD));
    }
  }

  // ---- the API key --------------------------------------------------------------------------

  @Test
  @Timeout(150)
  void theApiKeyIsInNoLogRecordMetricHealthAnswerOrException(KafkaBroker broker) throws Exception {
    List<String> seen = new ArrayList<>();
    try (LogCapture logs = LogCapture.start(VERBOSE)) {
      // refused: Nimble knows another key, so every call is a 401 and the worker pauses
      try (NimbleSimulator sim = NimbleSimulator.start(sim("some-other-key-0000").build());
          WorkerHarness harness =
              new WorkerHarness(broker, sim, 2, Map.of("NIMBLE_API_KEY", API_KEY));
          PrometheusWorker running = PrometheusWorker.start(harness, "refused")) {
        harness.produce(WorkerHarness.extractRequests("refused", 3));
        harness.produce(List.of("{\"request_id\":\"refused-bad\",\"extract\":{\"url\":5}}"));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    running.worker.status().pauseReason() == PauseReason.AUTH
                        && unauthorized(sim) >= 3);
        harness.awaitOutcomes(1, Duration.ofSeconds(30), Duration.ofMillis(500));
        seen.addAll(running.surfaces());
        seen.addAll(outcomes(harness));
        seen.add(
            chain(
                failureOf(
                    running
                        .worker
                        .gateway()
                        .submitExtract(JSON.readTree("{\"url\":\"https://a\"}")))));
      }
      // accepted: results, validation failures, an unknown agent, and failed tasks
      try (NimbleSimulator sim = NimbleSimulator.start(sim(API_KEY).failureRate(0.3).build());
          WorkerHarness harness =
              new WorkerHarness(
                  broker, sim, 2, Map.of("NIMBLE_API_KEY", API_KEY, "TASK_MAX_ATTEMPTS", "1"));
          PrometheusWorker running = PrometheusWorker.start(harness, "accepted")) {
        harness.produce(WorkerHarness.extractRequests("ok", 12));
        harness.produce(
            List.of(
                "{\"request_id\":\"no-agent\",\"agent\":{\"agent\":\"no_such_agent\",\"params\":{\"q\":1}}}",
                "{\"request_id\":\"bad-url\",\"extract\":{\"url\":\"ftp://a\"}}"));
        harness.awaitOutcomes(14, Duration.ofSeconds(60), Duration.ofSeconds(1));
        seen.addAll(running.surfaces());
        seen.addAll(outcomes(harness));
        seen.add(chain(failureOf(running.worker.gateway().task("no-such-task"))));
      }
      seen.addAll(logs.lines());
    }
    assertThat(seen).as("what was looked at").hasSizeGreaterThan(40);
    assertNoKey(seen);
  }

  @Test
  @Timeout(90)
  void aNimbleThatEchoesTheKeyInItsErrorsDoesNotGetItPublishedOrLogged(KafkaBroker broker)
      throws Exception {
    List<String> seen = new ArrayList<>();
    HttpServer echo = echoingNimble();
    try (LogCapture logs = LogCapture.start(VERBOSE);
        NimbleSimulator sim = NimbleSimulator.start(sim(API_KEY).build());
        WorkerHarness harness =
            new WorkerHarness(
                broker,
                sim,
                1,
                Map.of(
                    "NIMBLE_API_KEY",
                    API_KEY,
                    "NIMBLE_BASE_URL",
                    "http://127.0.0.1:" + echo.getAddress().getPort(),
                    "BATCH_SUBMIT",
                    "false"))) {
      Worker worker = harness.startWorker("echo");
      harness.produce(
          List.of(
              "{\"request_id\":\"echo-plain\",\"extract\":{\"url\":\"https://a.io/plain\"}}",
              "{\"request_id\":\"echo-details\",\"extract\":{\"url\":\"https://a.io/details\"}}",
              "{\"request_id\":\"echo-cut\",\"extract\":{\"url\":\"https://a.io/cut\"}}",
              "{\"request_id\":\"echo-agent\",\"agent\":{\"agent\":\"x\",\"params\":{\"q\":1}}}"));
      harness.awaitOutcomes(4, Duration.ofSeconds(45), Duration.ofSeconds(1));
      assertThat(worker.status().live()).isTrue();
      seen.addAll(outcomes(harness));
      seen.addAll(logs.lines());
    } finally {
      echo.stop(0);
    }
    assertNoKey(seen);
  }

  /**
   * A Nimble (or a proxy in front of it) that quotes the Authorization header in its 4xx answers:
   * in the message, in the details, and cut at 300 characters.
   */
  private static HttpServer echoingNimble() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          var reply = JSON.createObjectNode().put("status", "failed");
          int status = 400;
          if (body.contains("/details")) {
            reply.put("msg", "Invalid request");
            reply.putObject("details").putObject("request_headers").put("Authorization", auth);
          } else if (body.contains("/cut")) {
            // Nimble's message is cut at 300 characters: here 20 of them are the key's
            reply.put("msg", "x".repeat(272) + " " + auth);
          } else if (exchange.getRequestURI().getPath().startsWith("/v1/agents")) {
            status = 404;
            reply.put("msg", "Agent not found for " + auth);
          } else {
            reply.put("msg", "Refused the request with " + auth);
          }
          byte[] bytes = JSON.writeValueAsBytes(reply);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    return server;
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** A worker with a Prometheus registry, as the worker command builds it. */
  private record PrometheusWorker(Worker worker, PrometheusMeterRegistry registry)
      implements AutoCloseable {
    static PrometheusWorker start(WorkerHarness harness, String instance) throws Exception {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Map<String, String> env = new HashMap<>(harness.environment(instance));
      Worker worker =
          new Worker(ConfigLoader.load(env, Optional.empty()), registry, Clock.systemUTC());
      return new PrometheusWorker(worker.start(), registry);
    }

    /** What the worker shows outside: the metrics scrape and the health answers. */
    List<String> surfaces() throws Exception {
      List<String> shown = new ArrayList<>();
      shown.add(registry.scrape());
      for (String path : List.of("/metrics", "/health/live", "/health/ready")) {
        shown.add(get("http://127.0.0.1:" + worker.adminPort() + path));
      }
      assertThat(shown.get(1)).contains("nimble_worker_requests_consumed");
      return shown;
    }

    @Override
    public void close() {
      worker.close();
    }
  }

  private static String get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static long unauthorized(NimbleSimulator sim) {
    return sim.stats().calls().values().stream()
        .mapToLong(byStatus -> byStatus.getOrDefault("401", 0L))
        .sum();
  }

  /** Every outcome record as read: key, value and headers. */
  private static List<String> outcomes(WorkerHarness harness) {
    List<String> texts = new ArrayList<>();
    for (WorkerHarness.Outcome outcome :
        harness.awaitOutcomes(0, Duration.ofSeconds(1), Duration.ZERO)) {
      var record = outcome.record();
      texts.add(String.valueOf(outcome.key()));
      texts.add(new String(record.value(), StandardCharsets.UTF_8));
      for (Header header : record.headers()) {
        texts.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return texts;
  }

  private static Throwable failureOf(CompletableFuture<?> call) throws Exception {
    return call.handle((value, failure) -> failure).get(30, TimeUnit.SECONDS);
  }

  /** A throwable as a log would print it: every class, message and frame of the chain. */
  private static String chain(Throwable failure) {
    assertThat(failure).isNotNull();
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  /** Neither the key nor any 12 characters of it (a cut key still gives most of it away). */
  private static void assertNoKey(List<String> texts) {
    List<String> leaks = new ArrayList<>();
    for (String text : texts) {
      for (int i = 0; i + 12 <= API_KEY.length(); i++) {
        int at = text.indexOf(API_KEY.substring(i, i + 12));
        if (at >= 0) {
          int from = Math.max(0, at - 160);
          leaks.add("…" + text.substring(from, Math.min(text.length(), at + 60)) + "…");
          break;
        }
      }
    }
    assertThat(leaks)
        .as("texts with (part of) the API key, of %d looked at", texts.size())
        .isEmpty();
  }
}
