package dev.nimblekafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The Nimble simulator in its own JVM ({@code java -jar ... sim}), and its counters. */
final class Simulator implements AutoCloseable {
  static final String API_KEY = "bench-key";
  private static final String LISTENING = "Nimble simulator listening on port ";

  private final JavaProcess process;
  private final String baseUrl;

  private Simulator(JavaProcess process, String baseUrl) {
    this.process = process;
    this.baseUrl = baseUrl;
  }

  static Simulator start(Path jar, Scenario.Sim sim, Path dir)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-jar", jar.toString(), "sim"));
    args.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--api-key", API_KEY));
    args.addAll(sim.args());
    JavaProcess process =
        JavaProcess.start(
            "simulator", List.of("-Xmx1g", "-XX:+UseG1GC"), args, Map.of(), dir.resolve("sim.log"));
    try {
      String line = process.awaitLine(LISTENING, Duration.ofSeconds(60));
      String port = line.substring(LISTENING.length()).split(" ")[0];
      return new Simulator(process, "http://127.0.0.1:" + port);
    } catch (IOException | InterruptedException e) {
      process.close();
      throw e;
    }
  }

  String baseUrl() {
    return baseUrl;
  }

  JavaProcess process() {
    return process;
  }

  JsonNode stats() throws IOException, InterruptedException {
    return Http.getJson(baseUrl + "/sim/stats");
  }

  /** Zeroes the simulator's counters and its slot ledger ({@code POST /sim/reset}). */
  void reset() throws IOException, InterruptedException {
    int status = Http.post(baseUrl + "/sim/reset", "");
    if (status / 100 != 2) {
      throw new IOException("POST /sim/reset answered " + status);
    }
  }

  /** All API calls counted in a stats snapshot (admin endpoints are never counted). */
  static long totalCalls(JsonNode stats) {
    long total = 0;
    for (JsonNode byStatus : stats.path("calls")) {
      for (JsonNode count : byStatus) {
        total += count.asLong();
      }
    }
    return total;
  }

  /** Answers with {@code status} (e.g. "429") over all endpoints. */
  static long callsWithStatus(JsonNode stats, String status) {
    long total = 0;
    for (JsonNode byStatus : stats.path("calls")) {
      total += byStatus.path(status).asLong();
    }
    return total;
  }

  /** Calls per endpoint, e.g. {@code {"POST /v1/extract/async": 5000, ...}}. */
  static Map<String, Long> callsByEndpoint(JsonNode stats) {
    Map<String, Long> calls = new java.util.TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> endpoints = stats.path("calls").fields();
    while (endpoints.hasNext()) {
      Map.Entry<String, JsonNode> endpoint = endpoints.next();
      long sum = 0;
      for (JsonNode count : endpoint.getValue()) {
        sum += count.asLong();
      }
      calls.put(endpoint.getKey(), sum);
    }
    return calls;
  }

  @Override
  public void close() throws InterruptedException {
    process.stop(Duration.ofSeconds(10));
  }
}
