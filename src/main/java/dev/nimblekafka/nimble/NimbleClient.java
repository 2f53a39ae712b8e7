package dev.nimblekafka.nimble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.ApiVersion;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A typed, non-blocking client for the parts of Nimble's API the worker uses, in the configured
 * {@link ApiVersion}. Every method returns at once; the future fails with a {@link NimbleException}
 * that says whether to give up, stop, or retry, the same way in both versions. Request bodies are
 * sent as given, unknown fields included, with one exception: an agent body names its agent in
 * {@code agent} (as requests do), which v2 calls {@code template} (see {@link #templateBody}).
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
    this.errors = new ErrorClassifier(json, settings.apiKey());
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
            .followRedirects(HttpClient.Redirect.NORMAL)
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
    return post(api.extractAsync(), body).thenApply(TaskInfo::fromEnvelope);
  }

  /** {@code POST /v1/agents/async} or {@code /v2/extract/templates/async}. */
  public CompletableFuture<TaskInfo> submitAgent(JsonNode body) {
    return post(api.templateAsync(), templateBody(body)).thenApply(TaskInfo::fromEnvelope);
  }

  /** {@code POST /v{1,2}/extract/batch}: {@code {inputs:[...], shared_inputs:{...}}}. */
  public CompletableFuture<BatchSubmission> submitExtractBatch(JsonNode body) {
    return post(api.extractBatch(), body).thenApply(NimbleClient::batch);
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
    return post(api.templateBatch(), sent).thenApply(NimbleClient::batch);
  }

  /** {@code GET /v{1,2}/tasks/{id}}. */
  public CompletableFuture<TaskInfo> task(String taskId) {
    return get(api.task(taskId)).thenApply(TaskInfo::fromEnvelope);
  }

  /** {@code GET /v{1,2}/tasks?limit=&cursor=}: a page of the account's tasks, with their input. */
  public CompletableFuture<TaskPage> recentTasks(String cursor, int limit) {
    String query = "?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor);
    return get(api.tasks() + query).thenApply(TaskPage::from);
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
    return get(api.batch(batchId)).thenApply(NimbleClient::tasks);
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

  private CompletableFuture<JsonNode> post(String path, JsonNode body) {
    byte[] payload;
    try {
      payload = json.writeValueAsBytes(body);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new NimbleException.Rejected(
              0, "INVALID_REQUEST", "the body cannot be written as JSON", null));
    }
    HttpRequest request =
        request(settings.resolve(path))
            .header("Content-Type", JSON)
            .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
            .build();
    return send(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> parse(response, true));
  }

  private CompletableFuture<JsonNode> get(String path) {
    return send(
            request(settings.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray())
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
   * error. Error bodies are read whole (they are small); success bodies by the given handler.
   */
  private <T> CompletableFuture<HttpResponse<T>> send(HttpRequest request, BodyHandler<T> handler) {
    BodyHandler<Object> either =
        info ->
            info.statusCode() / 100 == 2
                ? HttpResponse.BodySubscribers.mapping(handler.apply(info), Function.identity())
                : HttpResponse.BodySubscribers.mapping(
                    HttpResponse.BodySubscribers.ofByteArray(), Function.identity());
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
   * A 2xx body that cannot be read. For a create call the task may well exist, so trying again
   * could charge twice: it is terminal there ({@code Rejected}), and retriable for reads.
   */
  private JsonNode parse(HttpResponse<byte[]> response, boolean create) {
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

  private static BatchSubmission batch(JsonNode body) {
    return new BatchSubmission(body.path("batch_id").asText(null), tasks(body));
  }

  /** A body's {@code tasks}, in order; null for an entry that is no task (gone, or unknown). */
  private static List<TaskInfo> tasks(JsonNode body) {
    List<TaskInfo> tasks = new ArrayList<>();
    for (JsonNode task : body.path("tasks")) {
      tasks.add(task.isObject() ? TaskInfo.fromTask(task) : null);
    }
    return tasks;
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
