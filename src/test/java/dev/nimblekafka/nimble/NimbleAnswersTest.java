package dev.nimblekafka.nimble;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.nimble.StubNimble.Answer;
import dev.nimblekafka.testkit.LogCapture;
import dev.nimblekafka.wire.ApiVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What Nimble answers is bounded and checked: against a scripted HTTP server, answers that are too
 * large, oddly shaped, redirected, or that ask for very long waits.
 */
@Timeout(60)
class NimbleAnswersTest {
  private static final String KEY = "sk-answers-test-5c1e";
  private static final long MB = 1024 * 1024;
  private static final String CREATED = "{\"status\":\"success\",\"task\":{\"id\":\"t-1\"}}";
  private final ObjectMapper json = new ObjectMapper();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private StubNimble stub(Function<URI, Answer> answers) throws IOException {
    StubNimble stub = StubNimble.start(answers);
    open.add(stub);
    return stub;
  }

  private NimbleClient client(StubNimble stub, long maxAnswer, long maxPage, Duration maxWait) {
    NimbleClient client =
        new NimbleClient(
            NimbleClientSettings.of(URI.create(stub.baseUrl()), ApiKey.of(KEY), ApiVersion.V1)
                .withLimits(maxAnswer, maxPage, maxWait),
            json);
    open.add(client);
    return client;
  }

  private NimbleClient client(StubNimble stub) {
    return client(stub, MB, 64 * MB, Duration.ofSeconds(30));
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  private static NimbleException failure(CompletableFuture<?> future) {
    try {
      future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return NimbleException.of(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the call succeeded");
  }

  private CompletableFuture<TaskInfo> create(NimbleClient client) throws IOException {
    return client.submitExtract(json.readTree("{\"url\":\"https://a.io\"}"));
  }

  private static Answer rateLimited(String retryAfter) {
    return Answer.json(429, Map.of("Retry-After", retryAfter), "{\"msg\":\"slow down\"}");
  }

  // ---- retry-after --------------------------------------------------------------------------

  @Test
  void retryAfterOfADayIsClampedToBackoffMax() throws Exception {
    StubNimble stub = stub(uri -> rateLimited("86400"));
    NimbleClient client = client(stub, MB, 64 * MB, Duration.ofSeconds(2));
    List<Optional<Duration>> heard = new ArrayList<>();
    client.signals(
        new RateSignals() {
          @Override
          public synchronized void rateLimited(Optional<Duration> retryAfter) {
            heard.add(retryAfter);
          }

          @Override
          public void remaining(long remaining, long limit) {}
        });
    NimbleException limited = failure(client.task("t-1"));
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(2));
    assertThat(heard)
        .as("what pauses the key's calls")
        .containsExactly(Optional.of(Duration.ofSeconds(2)));
  }

  @Test
  void retryAfterOfADayHoldsGatewayRetriesOnlyBackoffMax() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    StubNimble stub =
        stub(
            uri -> calls.incrementAndGet() == 1 ? rateLimited("86400") : Answer.json(200, CREATED));
    NimbleClient client = client(stub);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    open.add(scheduler::shutdownNow);
    NimbleGateway gateway =
        new NimbleGateway(
            client,
            new ResilienceSettings(
                1_000,
                3,
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                50,
                10,
                Duration.ofSeconds(30)),
            scheduler);
    TaskInfo created =
        gateway
            .submitExtract(json.readTree("{\"url\":\"https://a.io\"}"))
            .get(10, TimeUnit.SECONDS);
    assertThat(created.id()).isEqualTo("t-1");
    assertThat(calls).hasValue(2);
  }

  @Test
  void aBodyRetryAfterIsReadInSecondsAsTheHeaderIs() throws Exception {
    StubNimble stub =
        stub(
            uri ->
                Answer.json(
                    429,
                    uri.getPath().endsWith("old")
                        ? "{\"status\":\"error\",\"error\":{\"retry_after\":1000}}"
                        : "{\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"retry_after\":2}}"));
    NimbleClient client = client(stub, MB, 64 * MB, Duration.ofHours(1));
    assertThat(failure(client.task("new")).retryAfter()).contains(Duration.ofSeconds(2));
    assertThat(failure(client.task("old")).retryAfter()).contains(Duration.ofSeconds(1000));
  }

  @Test
  void aClampIsLoggedOncePerDistinctValueWithoutTheKey() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    StubNimble stub = stub(uri -> rateLimited(calls.incrementAndGet() < 3 ? "86400" : "7200"));
    NimbleClient client = client(stub, MB, 64 * MB, Duration.ofSeconds(5));
    try (LogCapture logs = LogCapture.start(Map.of("dev.nimblekafka.nimble", Level.INFO))) {
      for (int i = 0; i < 4; i++) {
        failure(client.task("t-" + i));
      }
      List<String> clamps = logs.lines().stream().filter(line -> line.startsWith("WARN")).toList();
      assertThat(clamps).hasSize(2);
      assertThat(clamps.get(0))
          .contains("86400")
          .contains("NIMBLE_BACKOFF_MAX")
          .doesNotContain(KEY);
      assertThat(clamps.get(1)).contains("7200");
    }
  }

  // ---- shape of create answers --------------------------------------------------------------

  @Test
  void aCreateAnsweredWithoutATaskIdIsAmbiguous() throws Exception {
    StubNimble stub =
        stub(uri -> Answer.json(200, "{\"status\":\"success\",\"task\":{\"state\":\"pending\"}}"));
    NimbleException error = failure(create(client(stub)));
    assertThat(error).isInstanceOf(NimbleException.Unavailable.class);
    assertThat(((NimbleException.Unavailable) error).mayHaveCreated()).isTrue();
    assertThat(error.httpStatus()).isEqualTo(200);
  }

  @Test
  void aBatchAnsweredWithoutTasksIsAmbiguous() throws Exception {
    StubNimble stub = stub(uri -> Answer.json(200, "{\"batch_id\":\"b-1\",\"batch_size\":2}"));
    NimbleException error =
        failure(
            client(stub)
                .submitExtractBatch(json.readTree("{\"inputs\":[{\"url\":\"https://a.io\"}]}")));
    assertThat(error).isInstanceOf(NimbleException.Unavailable.class);
    assertThat(((NimbleException.Unavailable) error).mayHaveCreated()).isTrue();
  }

  // ---- size caps ----------------------------------------------------------------------------

  private static StubNimble.BodyWriter repeated(byte fill, long bytes) {
    return out -> {
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, fill);
      for (long left = bytes; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
    };
  }

  @Test
  void anErrorBodyOfFiftyMegabytesIsRefusedAtTheCap() throws Exception {
    StubNimble stub = stub(uri -> new Answer(500, Map.of(), repeated((byte) 'x', 50 * MB)));
    NimbleException error = failure(client(stub).task("t-1"));
    assertThat(error).isInstanceOf(NimbleException.Unavailable.class);
    assertThat(error.httpStatus()).isEqualTo(500);
    assertThat(error.getMessage()).contains("NIMBLE_MAX_ANSWER_BYTES").contains("1048576");
  }

  @Test
  void aCreateAnswerOverTheCapIsAmbiguous() throws Exception {
    StubNimble stub =
        stub(
            uri ->
                new Answer(
                    200,
                    Map.of(),
                    out -> {
                      out.write(
                          "{\"task\":{\"id\":\"t-1\",\"input\":{\"blob\":\""
                              .getBytes(StandardCharsets.UTF_8));
                      repeated((byte) 'x', 2 * MB).write(out);
                      out.write("\"}}}".getBytes(StandardCharsets.UTF_8));
                    }));
    NimbleException error = failure(create(client(stub)));
    assertThat(error).isInstanceOf(NimbleException.Unavailable.class);
    assertThat(((NimbleException.Unavailable) error).mayHaveCreated()).isTrue();
    assertThat(error.getMessage()).contains("NIMBLE_MAX_ANSWER_BYTES");
  }

  /** A page of {@code count} listed tasks, each with an input of about {@code inputBytes}. */
  private static Answer page(int count, long inputBytes) {
    return new Answer(
        200,
        Map.of(),
        out -> {
          write(out, "{\"data\":[");
          for (int i = 0; i < count; i++) {
            write(out, (i == 0 ? "" : ",") + "{\"id\":\"t-" + i + "\",\"state\":\"pending\",");
            write(
                out,
                "\"created_at\":\"2026-01-01T00:00:00Z\",\"_query\":{\"q\":[1,{\"a\":null}]},");
            write(
                out,
                "\"input\":{\"url\":\"https://a.io/"
                    + i
                    + "\",\"tag\":\"m-"
                    + i
                    + "\",\"blob\":\"");
            repeated((byte) 'x', inputBytes).write(out);
            write(out, "\"}}");
          }
          write(
              out, "],\"pagination\":{\"has_next\":true,\"next_cursor\":\"c-2\",\"total\":1000}}");
        });
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aListedPageOfLargeInputsKeepsNoInputUnlessAsked() throws Exception {
    StubNimble stub = stub(uri -> page(100, 500 * 1024));
    NimbleClient client = client(stub);

    TaskPage none = get(client.recentTasks(null, 100, tag -> false));
    assertThat(none.tasks()).hasSize(100);
    assertThat(none.tasks()).allSatisfy(listed -> assertThat(listed.input()).isNull());
    assertThat(none.tasks().get(42).info().id()).isEqualTo("t-42");
    assertThat(none.nextCursor()).isEqualTo("c-2");

    TaskPage one = get(client.recentTasks(null, 100, "m-7"::equals));
    assertThat(one.tasks().stream().filter(listed -> listed.input() != null))
        .singleElement()
        .satisfies(listed -> assertThat(listed.input().path("tag").asText()).isEqualTo("m-7"));
  }

  @Test
  void anAgentsTagIsReadFromItsParams() throws Exception {
    StubNimble stub =
        stub(
            uri ->
                Answer.json(
                    200,
                    "{\"data\":[{\"id\":\"t-1\",\"state\":\"pending\",\"input\":{\"template\":\"a\","
                        + "\"params\":{\"tag\":\"m-1\"}}},{\"id\":\"t-2\",\"input\":null}]}"));
    TaskPage page = get(client(stub).recentTasks(null, 10, "m-1"::equals));
    assertThat(page.tasks().get(0).input().path("template").asText()).isEqualTo("a");
    assertThat(page.tasks().get(1).input()).isNull();
    assertThat(page.nextCursor()).isNull();
  }

  @Test
  void aPageOverThePageCapIsRefused() throws Exception {
    StubNimble stub = stub(uri -> page(10, 300 * 1024));
    NimbleException error =
        failure(
            client(stub, MB, 2 * MB, Duration.ofSeconds(30)).recentTasks(null, 10, tag -> true));
    assertThat(error).isInstanceOf(NimbleException.Unavailable.class);
    assertThat(error.getMessage()).contains("NIMBLE_MAX_PAGE_BYTES").contains("2097152");
  }

  @Test
  void oneListedTaskOverTheAnswerCapIsRefused() throws Exception {
    StubNimble stub = stub(uri -> page(2, 2 * MB));
    NimbleException error = failure(client(stub).recentTasks(null, 10, tag -> false));
    assertThat(error.getMessage()).contains("NIMBLE_MAX_ANSWER_BYTES");
  }

  // ---- redirects, cursor, control characters -------------------------------------------------

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    StubNimble stub =
        stub(
            uri ->
                uri.getPath().endsWith("/elsewhere")
                    ? Answer.json(200, CREATED)
                    : new Answer(302, Map.of("Location", "/elsewhere"), null));
    NimbleClient client = client(stub);
    NimbleException read = failure(client.task("t-1"));
    assertThat(read).isInstanceOf(NimbleException.Rejected.class);
    assertThat(read.httpStatus()).isEqualTo(302);
    assertThat(read.code()).isEqualTo("REDIRECTED");
    assertThat(failure(create(client))).isInstanceOf(NimbleException.Rejected.class);
    assertThat(stub.calls()).noneMatch(call -> call.contains("elsewhere"));
  }

  @Test
  void aCursorWithAmpersandAndEqualsRoundTrips() throws Exception {
    StubNimble stub = stub(uri -> Answer.json(200, "{\"data\":[]}"));
    String cursor = "a&limit=1&b=c d+é";
    get(client(stub).recentTasks(cursor, 10, tag -> false));
    String query = stub.calls().get(0).substring(stub.calls().get(0).indexOf('?') + 1);
    Map<String, List<String>> params =
        Arrays.stream(query.split("&"))
            .map(pair -> pair.split("=", 2))
            .collect(
                Collectors.groupingBy(
                    pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                    Collectors.mapping(
                        pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8),
                        Collectors.toList())));
    assertThat(params)
        .containsEntry("cursor", List.of(cursor))
        .containsEntry("limit", List.of("10"));
  }

  @Test
  void controlCharactersInAnErrorMessageAreEscaped() throws Exception {
    StubNimble stub =
        stub(
            uri ->
                Answer.json(
                    400, "{\"msg\":\"bad\\u001b[31m red\\nINFO forged\\u0000 \\u0085end\"}"));
    NimbleException error = failure(client(stub).task("t-1"));
    assertThat(error.getMessage()).doesNotContainPattern("\\p{Cntrl}").doesNotContain("\u0085");
    assertThat(error.getMessage()).contains("\\u001b[31m red\\nINFO forged\\u0000 \\u0085end");
  }

  @Test
  void controlCharactersInATaskErrorAreEscaped() throws Exception {
    StubNimble stub =
        stub(
            uri ->
                Answer.json(
                    200,
                    "{\"task\":{\"id\":\"t-1\",\"state\":\"failed\",\"error\":\"boom\\r\\nINFO"
                        + " forged\\u001b[2J\",\"error_type\":\"x\\ty\"}}"));
    TaskInfo info = get(client(stub).task("t-1"));
    assertThat(info.error()).isEqualTo("boom\\r\\nINFO forged\\u001b[2J");
    assertThat(info.errorType()).isEqualTo("x\\ty");
  }
}
