package dev.nimblekafka.nimble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.ApiVersion;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A typed, non-blocking client for the parts of Nimble's API the worker uses, in the configured
 * {@link ApiVersion}. Every method returns at once; the future fails with a {@link NimbleException}
 * that says whether to give up, stop, or retry, the same way in both versions. Request bodies are
 * sent as given, unknown fields included, with one exception: an agent body names its agent in
 * {@code agent} (as requests do), which v2 calls {@code template} (see {@link #templateBody}).
 *
 * <p>No answer is read without a limit: a JSON answer up to {@link
 * NimbleClientSettings#maxAnswerBytes}; a page of tasks or a batch, which quote every task's input,
 * as a stream of up to {@link NimbleClientSettings#maxPageBytes}, holding one task at a time and
 * keeping only what the worker reads of it. Redirects are not followed.
 */
public final class NimbleClient implements AutoCloseable {
  private static final String JSON = "application/json";
  private static final String USER_AGENT = "nimble-kafka-worker";

  private final NimbleClientSettings settings;
  private final ObjectMapper json;
  private final ErrorClassifier errors;
  private final ExecutorService executor;
  private final HttpClient http;
  private final ApiVersion api;
  private volatile RateSignals signals = RateSignals.NONE;

  public NimbleClient(NimbleClientSettings settings, ObjectMapper json) {
    this.settings = settings;
    this.api = settings.version();
    // Nimble quotes the request in its answers: allow answers a little deeper than any request
    this.json = json.copy();
    this.json
        .getFactory()
        .setStreamReadConstraints(
            com.fasterxml.jackson.core.StreamReadConstraints.builder()
                .maxNestingDepth(2_000)
                .maxStringLength(200_000_000)
                .build());
    this.errors =
        new ErrorClassifier(
            json, settings.apiKey(), settings.maxRetryAfter(), settings.maxAnswerBytes());
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            4,
            runnable -> {
              Thread thread = new Thread(runnable, "nimble-http-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .executor(executor)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Who hears what Nimble's answers say about the key's rate (429s, calls left). */
  public void signals(RateSignals signals) {
    this.signals = signals;
  }

  /** The API version this client speaks. */
  public ApiVersion version() {
    return api;
  }

  /** {@code POST /v1/extract/async} or {@code /v2/extract/async}. */
  public CompletableFuture<TaskInfo> submitExtract(JsonNode body) {
    return create(api.extractAsync(), body);
  }

  /** {@code POST /v1/agents/async} or {@code /v2/extract/templates/async}. */
  public CompletableFuture<TaskInfo> submitAgent(JsonNode body) {
    return create(api.templateAsync(), templateBody(body));
  }

  /** {@code POST /v{1,2}/extract/batch}: {@code {inputs:[...], shared_inputs:{...}}}. */
  public CompletableFuture<BatchSubmission> submitExtractBatch(JsonNode body) {
    return postBatch(api.extractBatch(), body);
  }

  /** {@code POST /v1/agents/batch} or {@code /v2/extract/templates/batch}. */
  public CompletableFuture<BatchSubmission> submitAgentBatch(JsonNode body) {
    JsonNode shared = body.path("shared_inputs");
    JsonNode sent = body;
    if (shared.isObject() && api != ApiVersion.V1) {
      ObjectNode copy = ((ObjectNode) body).deepCopy();
      copy.set("shared_inputs", templateBody(shared));
      sent = copy;
    }
    return postBatch(api.templateBatch(), sent);
  }

  /**
   * {@code POST /v1/serp/async} or {@code /v2/serp/async}: the version configured, as for every
   * other call, so the task is read back through the same version's {@code /tasks}.
   */
  public CompletableFuture<TaskInfo> submitSerp(JsonNode body) {
    return create(api.serpAsync(), body);
  }

  /** {@code POST /v{1,2}/serp/batch}: {@code {inputs:[...], shared_inputs:{...}}}. */
  public CompletableFuture<BatchSubmission> submitSerpBatch(JsonNode body) {
    return postBatch(api.serpBatch(), body);
  }

  /**
   * {@code POST /v{1,2}/crawl}: starts a crawl. Its id comes back as {@code crawl_id}; an answer
   * naming none may still have started it, so it is ambiguous (the caller looks it up).
   */
  public CompletableFuture<TaskInfo> submitCrawl(JsonNode body) {
    HttpRequest request;
    try {
      request = postRequest(api.crawls(), body);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(unwritable());
    }
    return send(request, info -> new LimitedBodySubscriber(settings.maxAnswerBytes()))
        .thenApply(
            response -> {
              JsonNode answer = parse(response, true);
              String id = answer.path("crawl_id").asText(null);
              if (id == null || id.isBlank()) {
                throw ambiguous(response.statusCode(), "NO_CRAWL_ID", "names no crawl id");
              }
              return new TaskInfo(
                  id,
                  TaskState.PENDING,
                  answer.path("status").asText(null),
                  null,
                  null,
                  null,
                  answer.path("created_at").asText(null),
                  null);
            });
  }

  /**
   * {@code GET /v{1,2}/crawl/{id}}, read as a stream: of its page tasks only the id and status of
   * each are kept, so a crawl of 10,000 pages costs a few hundred kilobytes, not its whole answer.
   */
  public CompletableFuture<CrawlStatus> crawl(String crawlId) {
    HttpRequest request = request(settings.resolve(api.crawl(crawlId))).GET().build();
    return send(
            request,
            info ->
                new StreamedAnswer<>(
                    json,
                    "tasks",
                    Set.of("crawl_id", "status", "total"),
                    page ->
                        page.isObject() && page.path("task_id").isTextual()
                            ? new CrawlStatus.Page(
                                page.get("task_id").asText(),
                                CrawlStatus.PageState.fromWire(page.path("status").asText(null)))
                            : null,
                    settings.maxPageBytes(),
                    settings.maxAnswerBytes()))
        .thenApply(response -> streamed(response, false))
        .thenApply(
            read -> {
              List<CrawlStatus.Page> pages = new ArrayList<>();
              if (read.elements() != null) {
                for (CrawlStatus.Page page : read.elements()) {
                  pages.add(page == null ? new CrawlStatus.Page(null, null) : page);
                }
              }
              return new CrawlStatus(
                  read.head().path("crawl_id").asText(crawlId),
                  read.head().path("status").asText(null),
                  read.head().path("total").asLong(-1),
                  pages);
            });
  }

  /** {@code GET /v{1,2}/crawl?limit=}: the account's latest crawls, newest first. */
  public CompletableFuture<List<CrawlListing>> recentCrawls(int limit) {
    HttpRequest request = request(settings.resolve(api.crawls() + "?limit=" + limit)).GET().build();
    return send(
            request,
            info ->
                new StreamedAnswer<>(
                    json,
                    "data",
                    Set.of(),
                    crawl ->
                        crawl.isObject()
                                && (crawl.path("crawl_id").isTextual()
                                    || crawl.path("id").isTextual())
                            ? new CrawlListing(
                                crawl.path("crawl_id").asText(crawl.path("id").asText()),
                                crawl.path("name").asText(null),
                                crawl.path("status").asText(null))
                            : null,
                    settings.maxPageBytes(),
                    settings.maxAnswerBytes()))
        .thenApply(response -> streamed(response, false))
        .thenApply(
            read -> {
              List<CrawlListing> crawls = new ArrayList<>();
              if (read.elements() != null) {
                read.elements().stream().filter(c -> c != null).forEach(crawls::add);
              }
              return crawls;
            });
  }

  /** {@code DELETE /v{1,2}/crawl/{id}}: cancels a crawl; pages already done stay readable. */
  public CompletableFuture<JsonNode> cancelCrawl(String crawlId) {
    return send(
            request(settings.resolve(api.crawl(crawlId))).DELETE().build(),
            info -> new LimitedBodySubscriber(settings.maxAnswerBytes()))
        .thenApply(response -> parse(response, false));
  }

  /** {@code GET /v{1,2}/tasks/{id}}. */
  public CompletableFuture<TaskInfo> task(String taskId) {
    return get(api.task(taskId)).thenApply(TaskInfo::fromEnvelope);
  }

  /** {@code GET /v{1,2}/tasks?limit=&cursor=}: a page of the account's tasks, with their input. */
  public CompletableFuture<TaskPage> recentTasks(String cursor, int limit) {
    return recentTasks(cursor, limit, TaskPage.EVERY_INPUT);
  }

  /**
   * {@code GET /v{1,2}/tasks?limit=&cursor=}: a page of the account's tasks, read as a stream. A
   * task's {@code input} is kept only when {@code keepInputOfTag} accepts its tag ({@code
   * input.tag}, or {@code input.params.tag} for agents; null when it has none), else it is null.
   */
  public CompletableFuture<TaskPage> recentTasks(
      String cursor, int limit, Predicate<String> keepInputOfTag) {
    String query = "?limit=" + limit + (cursor == null ? "" : "&cursor=" + queryValue(cursor));
    HttpRequest request = request(settings.resolve(api.tasks() + query)).GET().build();
    return send(
            request,
            info ->
                new StreamedAnswer<>(
                    json,
                    "data",
                    Set.of("pagination"),
                    task -> TaskPage.listed(task, keepInputOfTag),
                    settings.maxPageBytes(),
                    settings.maxAnswerBytes()))
        .thenApply(response -> streamed(response, false))
        .thenApply(read -> TaskPage.of(read.elements(), read.head()));
  }

  /** A query parameter's value, percent-encoded (a space as {@code %20}, not {@code +}). */
  private static String queryValue(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code GET /v{1,2}/batches/{id}/progress}. */
  public CompletableFuture<BatchProgress> batchProgress(String batchId) {
    return get(api.batchProgress(batchId))
        .thenApply(
            body ->
                new BatchProgress(
                    body.path("id").asText(batchId),
                    body.path("completed").asBoolean(false),
                    body.path("completed_count").asLong(0),
                    body.path("progress").asDouble(0)));
  }

  /** {@code GET /v{1,2}/batches/{id}}: the batch with every task and its state. */
  public CompletableFuture<List<TaskInfo>> batchTasks(String batchId) {
    HttpRequest request = request(settings.resolve(api.batch(batchId))).GET().build();
    return send(request, info -> tasksStream(Set.of()))
        .thenApply(response -> streamed(response, false))
        .thenApply(read -> read.elements() == null ? List.of() : read.elements());
  }

  /**
   * An agent body (or batch {@code shared_inputs}) as this version names it. Requests name the
   * agent in {@code agent}; v2 calls the same thing {@code template}, so for v2 {@code agent} is
   * renamed, in place in the field order, and every other field is kept as it is. A {@code
   * template} field the body already had is replaced by the value of {@code agent}; without {@code
   * agent} the body is sent unchanged. v1 bodies are sent as given.
   */
  JsonNode templateBody(JsonNode body) {
    String field = api.templateField();
    if (field.equals("agent") || !body.isObject() || !body.has("agent")) {
      return body;
    }
    ObjectNode renamed = ((ObjectNode) body).objectNode();
    body.fields()
        .forEachRemaining(
            entry -> {
              if (entry.getKey().equals("agent")) {
                renamed.set(field, entry.getValue());
              } else if (!entry.getKey().equals(field)) {
                renamed.set(entry.getKey(), entry.getValue());
              }
            });
    return renamed;
  }

  /**
   * {@code GET /v{1,2}/tasks/{id}/results}, kept as raw bytes. A body over {@code maxBytes} is not
   * downloaded further; the answer then says so, with the address to fetch it from.
   */
  public CompletableFuture<TaskResults> results(String taskId, long maxBytes) {
    URI uri = settings.resolve(api.taskResults(taskId));
    BodyHandler<byte[]> handler =
        info -> {
          if (info.statusCode() / 100 != 2) {
            return HttpResponse.BodySubscribers.ofByteArray();
          }
          long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
          if (declared > maxBytes) {
            return HttpResponse.BodySubscribers.replacing(null);
          }
          return new LimitedBodySubscriber(maxBytes);
        };
    return send(request(uri).GET().build(), handler)
        .thenApply(
            response -> {
              byte[] body = response.body();
              long size =
                  body != null
                      ? body.length
                      : response.headers().firstValueAsLong("content-length").orElse(maxBytes + 1);
              return new TaskResults(body, size, uri.toString());
            });
  }

  /** The address of a task's results, as documented (never taken from a response). */
  public String resultsUrl(String taskId) {
    return settings.resolve(api.taskResults(taskId)).toString();
  }

  /** A single create; an answer that names no task id is ambiguous, not a success. */
  private CompletableFuture<TaskInfo> create(String path, JsonNode body) {
    HttpRequest request;
    try {
      request = postRequest(path, body);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(unwritable());
    }
    return send(request, info -> new LimitedBodySubscriber(settings.maxAnswerBytes()))
        .thenApply(
            response -> {
              TaskInfo task = TaskInfo.fromEnvelope(parse(response, true));
              if (task.id() == null || task.id().isBlank()) {
                throw ambiguous(response.statusCode(), "NO_TASK_ID", "names no task id");
              }
              return task;
            });
  }

  private HttpRequest postRequest(String path, JsonNode body) throws IOException {
    return request(settings.resolve(path))
        .header("Content-Type", JSON)
        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
        .build();
  }

  private static NimbleException unwritable() {
    return new NimbleException.Rejected(
        0, "INVALID_REQUEST", "the body cannot be written as JSON", null);
  }

  /**
   * A batch create, its answer read as a stream: it quotes every input. An answer without a {@code
   * tasks} array may still have created them all: ambiguous, so the caller looks them up.
   */
  private CompletableFuture<BatchSubmission> postBatch(String path, JsonNode body) {
    HttpRequest request;
    try {
      request = postRequest(path, body);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(unwritable());
    }
    return send(request, info -> createdStream())
        .thenApply(
            response -> {
              StreamedAnswer.Read<TaskPage.Listed> read = streamed(response, true);
              if (read.elements() == null) {
                throw ambiguous(response.statusCode(), "NO_TASKS", "names no tasks");
              }
              List<TaskInfo> tasks = new ArrayList<>();
              List<JsonNode> inputs = new ArrayList<>();
              for (TaskPage.Listed created : read.elements()) {
                tasks.add(created == null ? null : created.info());
                inputs.add(created == null ? null : created.input());
              }
              return new BatchSubmission(read.head().path("batch_id").asText(null), tasks, inputs);
            });
  }

  /**
   * A batch create's {@code tasks}, each with the input it echoes (the inputs are the batch's own,
   * which tells which task is which request's).
   */
  private StreamedAnswer<TaskPage.Listed> createdStream() {
    return new StreamedAnswer<>(
        json,
        "tasks",
        Set.of("batch_id"),
        task ->
            task.isObject()
                ? new TaskPage.Listed(
                    TaskInfo.fromTask(task),
                    task.path("input").isObject() ? task.get("input") : null)
                : null,
        settings.maxPageBytes(),
        settings.maxAnswerBytes());
  }

  /** A stream of {@code tasks}: null for an entry that is no task (gone, or unknown). */
  private StreamedAnswer<TaskInfo> tasksStream(Set<String> headFields) {
    return new StreamedAnswer<>(
        json,
        "tasks",
        headFields,
        task -> task.isObject() ? TaskInfo.fromTask(task) : null,
        settings.maxPageBytes(),
        settings.maxAnswerBytes());
  }

  private CompletableFuture<JsonNode> get(String path) {
    return send(
            request(settings.resolve(path)).GET().build(),
            info -> new LimitedBodySubscriber(settings.maxAnswerBytes()))
        .thenApply(response -> parse(response, false));
  }

  private HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(settings.requestTimeout())
        .header("Authorization", settings.apiKey().bearer())
        .header("Accept", JSON)
        .header("User-Agent", USER_AGENT)
        .header("X-Client-Source", USER_AGENT);
  }

  /**
   * Sends, and completes with the response when it is a 2xx; otherwise fails with the classified
   * error. Error bodies are read up to {@code maxAnswerBytes}; success bodies by the given handler.
   */
  private <T> CompletableFuture<HttpResponse<T>> send(HttpRequest request, BodyHandler<T> handler) {
    BodyHandler<Object> either =
        info ->
            info.statusCode() / 100 == 2
                ? HttpResponse.BodySubscribers.mapping(handler.apply(info), Function.identity())
                : HttpResponse.BodySubscribers.mapping(
                    new LimitedBodySubscriber(settings.maxAnswerBytes()), Function.identity());
    return http.sendAsync(request, either)
        .handle(
            (response, failure) -> {
              if (failure != null) {
                throw errors.transport(failure);
              }
              readRate(response.headers());
              if (response.statusCode() / 100 != 2) {
                NimbleException error =
                    errors.classify(
                        response.statusCode(), response.headers(), (byte[]) response.body());
                if (error instanceof NimbleException.Unavailable u && u.isRateLimit()) {
                  signals.rateLimited(u.retryAfter());
                }
                throw error;
              }
              @SuppressWarnings("unchecked")
              HttpResponse<T> typed = (HttpResponse<T>) response;
              return typed;
            });
  }

  /** Passes on {@code ratelimit-remaining} of {@code ratelimit-limit}, when an answer has both. */
  private void readRate(HttpHeaders headers) {
    try {
      OptionalLong remaining = headers.firstValueAsLong("ratelimit-remaining");
      OptionalLong limit = headers.firstValueAsLong("ratelimit-limit");
      if (remaining.isPresent() && limit.isPresent()) {
        signals.remaining(remaining.getAsLong(), limit.getAsLong());
      }
    } catch (NumberFormatException notANumber) {
      // a header in another form than documented says nothing usable
    }
  }

  /**
   * A 2xx body read whole. One that cannot be read is, for a create call, terminal ({@code
   * Rejected}): the task may well exist, so trying again could charge twice; for reads it is
   * retriable. One over the limit is ambiguous for a create (the caller looks the task up).
   */
  private JsonNode parse(HttpResponse<byte[]> response, boolean create) {
    if (response.body() == null) {
      throw tooLarge(
          response.statusCode(),
          "it is over NIMBLE_MAX_ANSWER_BYTES (" + settings.maxAnswerBytes() + " bytes)");
    }
    try {
      return json.readTree(response.body());
    } catch (IOException e) {
      String message = "Nimble's answer (HTTP " + response.statusCode() + ") is not readable JSON";
      if (create) {
        throw new NimbleException.Rejected(response.statusCode(), "BAD_RESPONSE", message, null);
      }
      throw new NimbleException.Unavailable(
          response.statusCode(), "BAD_RESPONSE", message, null, null);
    }
  }

  /** A streamed 2xx answer, or the failure its reading stopped at. */
  private static <T> StreamedAnswer.Read<T> streamed(
      HttpResponse<StreamedAnswer.Read<T>> response, boolean create) {
    StreamedAnswer.Read<T> read = response.body();
    if (read.refused() == null) {
      return read;
    }
    if (read.overLimit()) {
      throw tooLarge(response.statusCode(), read.refused());
    }
    String message =
        "Nimble's answer (HTTP " + response.statusCode() + ") was not read: " + read.refused();
    if (create) {
      throw new NimbleException.Rejected(response.statusCode(), "BAD_RESPONSE", message, null);
    }
    throw new NimbleException.Unavailable(
        response.statusCode(), "BAD_RESPONSE", message, null, null);
  }

  /**
   * An answer not read because of its size: retriable for a read; for a create, the task may exist,
   * so it is ambiguous (the caller looks it up before it creates another).
   */
  private static NimbleException tooLarge(int status, String why) {
    return new NimbleException.Unavailable(
        status,
        "ANSWER_TOO_LARGE",
        "Nimble's answer (HTTP " + status + ") was not read: " + why,
        null,
        null);
  }

  /** A 2xx create that names no task: it may exist all the same. */
  private static NimbleException ambiguous(int status, String code, String what) {
    return new NimbleException.Unavailable(
        status,
        code,
        "Nimble's answer (HTTP " + status + ") " + what + "; the task may exist",
        null,
        null);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "NimbleClient[" + settings.shownBaseUrl() + ", " + api.wire() + "]";
  }
}
