package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/**
 * The simulator as the driver sees it: its admin endpoints ({@code /sim/faults}, {@code
 * /sim/stats}) and, once the faults are off, the task list. Works the same for a simulator in this
 * JVM or in its own.
 */
final class SimAdmin {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String baseUrl;
  private final String apiKey;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  SimAdmin(String baseUrl, String apiKey) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.apiKey = apiKey;
  }

  String baseUrl() {
    return baseUrl;
  }

  /** Waits until the simulator answers its health endpoint. */
  void awaitUp(Duration timeout) {
    Awaitility.await("the simulator at " + baseUrl)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> get("/sim/health").statusCode() == 200);
  }

  /** Changes the faults the body names; answers the faults now in force. */
  JsonNode faults(String body) {
    return json(
        send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/sim/faults"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build()));
  }

  void clearFaults() {
    send(
        HttpRequest.newBuilder(URI.create(baseUrl + "/sim/faults"))
            .timeout(TIMEOUT)
            .DELETE()
            .build());
  }

  JsonNode stats() {
    return json(get("/sim/stats"));
  }

  /**
   * Every task the simulator holds, newest first, read page by page through {@code GET /v1/tasks}
   * (an API call: faults must be off). Throttled pages are asked again.
   */
  List<JsonNode> tasks(Duration timeout) {
    List<JsonNode> tasks = new ArrayList<>();
    String cursor = null;
    while (true) {
      HttpRequest request =
          authorized("/v1/tasks?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
      AtomicReference<HttpResponse<String>> page = new AtomicReference<>();
      Awaitility.await("a page of the simulator's task list")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                page.set(sendQuietly(request));
                return page.get() != null && page.get().statusCode() == 200;
              });
      JsonNode body = json(page.get());
      body.path("data").forEach(tasks::add);
      if (!body.path("pagination").path("has_next").asBoolean()) {
        return tasks;
      }
      cursor = body.path("pagination").path("next_cursor").asText();
    }
  }

  private HttpRequest authorized(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + apiKey)
        .GET()
        .build();
  }

  private HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).GET().build());
  }

  private HttpResponse<String> sendQuietly(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(
            request.method()
                + " "
                + request.uri()
                + " answered "
                + response.statusCode()
                + ": "
                + response.body());
      }
      return response;
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("not JSON from the simulator: " + response.body(), e);
    }
  }
}
