package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for the simulator's tests, over real HTTP. */
final class SimHttp {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String KEY = "test-key";

  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final String base;
  private final String key;

  SimHttp(NimbleSimulator sim) {
    this(sim.baseUrl(), KEY);
  }

  SimHttp(String base, String key) {
    this.base = base;
    this.key = key;
  }

  SimHttp withKey(String otherKey) {
    return new SimHttp(base, otherKey);
  }

  Resp get(String path) {
    return send(request(path).GET());
  }

  Resp post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Resp delete(String path) {
    return send(request(path).DELETE());
  }

  /** Sends and throws {@link UncheckedIOException} if the connection failed. */
  Resp send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Resp(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return b;
  }

  /** Creates an async extract task for {@code url} and returns its id. */
  String submit(String url) {
    return submitJson("{\"url\":\"" + url + "\"}");
  }

  /** Creates an async extract task from a body and returns its id. */
  String submitJson(String body) {
    Resp r = post("/v1/extract/async", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().at("/task/id").asText();
  }

  /** Posts an async extract for {@code url}; the answer may be anything. */
  Resp trySubmit(String url) {
    return post("/v1/extract/async", "{\"url\":\"" + url + "\"}");
  }

  JsonNode task(String id) {
    Resp r = get("/v1/tasks/" + id);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("task");
  }

  String state(String id) {
    return task(id).get("state").asText();
  }

  /** An answer. */
  record Resp(int status, String body, HttpHeaders headers) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }
}
