package dev.nimblekafka.sim;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs the documented callback payload ({@code {"status":"success","task":{...}}}, the task
 * without result data) to a task's {@code callback_url} when it ends, completed or failed, and a
 * crawl's event payloads ({@link CrawlRunner}) to its {@code callback.url}. One attempt, a short
 * timeout, no retries; outcomes are counted (2xx: sent, anything else: failed). Runs on named
 * background threads.
 */
final class CallbackSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);

  private final ExecutorService executor =
      Executors.newFixedThreadPool(2, new SimThreads("callback"));
  private final Duration timeout;
  private final TaskJson json;
  private final StatsRecorder stats;
  private volatile HttpClient client;

  CallbackSender(Duration timeout, TaskJson json, StatsRecorder stats) {
    this.timeout = timeout;
    this.json = json;
    this.stats = stats;
  }

  /** The HTTP client, made on the first callback: most simulators never send one. */
  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          c =
              HttpClient.newBuilder()
                  .executor(executor)
                  .connectTimeout(timeout)
                  .version(HttpClient.Version.HTTP_1_1)
                  .build();
          client = c;
        }
      }
    }
    return c;
  }

  void send(SimTask task) {
    post(
        task.delivery.callbackUrl(),
        Map.of(),
        json.envelope(task, TaskJson.View.CURRENT),
        "callback of task " + task.id);
  }

  /**
   * POSTs {@code body} to {@code url} with extra {@code headers} (a header the HTTP client refuses
   * to set, such as {@code Host}, is left out); counted as a task callback is. {@code about} names
   * the callback in debug logs.
   */
  void post(String url, Map<String, String> headers, byte[] body, String about) {
    HttpRequest request;
    try {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .header("User-Agent", "nimble-simulator");
      headers.forEach((name, value) -> header(builder, name, value, about));
      request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    } catch (IllegalArgumentException e) {
      stats.callbacksFailed.increment();
      log.debug("{} has an unusable URL: {}", about, e.getMessage());
      return;
    }
    client()
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              if (error == null && response.statusCode() / 100 == 2) {
                stats.callbacksSent.increment();
              } else {
                stats.callbacksFailed.increment();
                log.debug(
                    "{} failed: {}",
                    about,
                    error != null ? error.toString() : "status " + response.statusCode());
              }
            });
  }

  private static void header(HttpRequest.Builder builder, String name, String value, String about) {
    try {
      builder.setHeader(name, value);
    } catch (IllegalArgumentException e) {
      log.debug("{}: header {} left out: {}", about, name, e.getMessage());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
