package dev.nimblekafka.nimble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.wire.NimblePaths;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A typed, non-blocking client for the parts of Nimble's v1 API the worker uses. Every method
 * returns at once; the future fails with a {@link NimbleException} that says whether to give up,
 * stop, or retry. Request bodies are sent as given, unknown fields included.
 */
public final class NimbleClient implements AutoCloseable {
  private static final String JSON = "application/json";
  private static final String USER_AGENT = "nimble-kafka-worker";

  private final NimbleClientSettings settings;
  private final ObjectMapper json;
  private final ErrorClassifier errors;
  private final ExecutorService executor;
  private final HttpClient http;

  public NimbleClient(NimbleClientSettings settings, ObjectMapper json) {
    this.settings = settings;
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

  /** {@code POST /v1/extract/async}. */
  public CompletableFuture<TaskInfo> submitExtract(JsonNode body) {
    return post(NimblePaths.EXTRACT_ASYNC, body).thenApply(TaskInfo::fromEnvelope);
  }

  /** {@code POST /v1/agents/async}. */
  public CompletableFuture<TaskInfo> submitAgent(JsonNode body) {
    return post(NimblePaths.AGENTS_ASYNC, body).thenApply(TaskInfo::fromEnvelope);
  }

  /** {@code POST /v1/extract/batch}: {@code {inputs:[...], shared_inputs:{...}}}. */
  public CompletableFuture<BatchSubmission> submitExtractBatch(JsonNode body) {
    return post(NimblePaths.EXTRACT_BATCH, body).thenApply(NimbleClient::batch);
  }

  /** {@code POST /v1/agents/batch}. */
  public CompletableFuture<BatchSubmission> submitAgentBatch(JsonNode body) {
    return post(NimblePaths.AGENTS_BATCH, body).thenApply(NimbleClient::batch);
  }

  /** {@code GET /v1/tasks/{id}}. */
  public CompletableFuture<TaskInfo> task(String taskId) {
    return get(NimblePaths.task(taskId)).thenApply(TaskInfo::fromEnvelope);
  }

  /** {@code GET /v1/tasks?limit=&cursor=}: a page of the account's tasks, each with its input. */
  public CompletableFuture<TaskPage> recentTasks(String cursor, int limit) {
    String query = "?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor);
    return get(NimblePaths.TASKS + query).thenApply(TaskPage::from);
  }

  /** {@code GET /v1/batches/{id}/progress}. */
  public CompletableFuture<BatchProgress> batchProgress(String batchId) {
    return get(NimblePaths.batchProgress(batchId))
        .thenApply(
            body ->
                new BatchProgress(
                    body.path("id").asText(batchId),
                    body.path("completed").asBoolean(false),
                    body.path("completed_count").asLong(0),
                    body.path("progress").asDouble(0)));
  }

  /**
   * {@code GET /v1/tasks/{id}/results}, kept as raw bytes. A body over {@code maxBytes} is not
   * downloaded further; the answer then says so, with the address to fetch it from.
   */
  public CompletableFuture<TaskResults> results(String taskId, long maxBytes) {
    URI uri = settings.resolve(NimblePaths.taskResults(taskId));
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
    return settings.resolve(NimblePaths.taskResults(taskId)).toString();
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
              if (response.statusCode() / 100 != 2) {
                throw errors.classify(
                    response.statusCode(), response.headers(), (byte[]) response.body());
              }
              @SuppressWarnings("unchecked")
              HttpResponse<T> typed = (HttpResponse<T>) response;
              return typed;
            });
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
    List<TaskInfo> tasks = new ArrayList<>();
    for (JsonNode task : body.path("tasks")) {
      tasks.add(task.isObject() ? TaskInfo.fromTask(task) : null);
    }
    return new BatchSubmission(body.path("batch_id").asText(null), tasks);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "NimbleClient[" + settings.baseUrl() + "]";
  }
}
