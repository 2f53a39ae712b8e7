package dev.nimblekafka.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.nimblekafka.worker.PauseReason;
import dev.nimblekafka.worker.WorkerStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP port: {@code /health/live}, {@code /health/ready}, {@code /metrics} (Prometheus
 * text), and any extra routes (callbacks) added before {@link #start()}.
 */
public final class WorkerHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerHttpServer.class);

  private final HttpServer server;
  private final ExecutorService executor;

  public WorkerHttpServer(int port, WorkerStatus status, Supplier<String> metrics)
      throws IOException {
    this.server = HttpServer.create(new InetSocketAddress(port), 128);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/health/live", get(exchange -> health(exchange, status, false)));
    server.createContext("/health/ready", get(exchange -> health(exchange, status, true)));
    server.createContext(
        "/metrics",
        get(
            exchange ->
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get())));
  }

  /** Adds a route; call before {@link #start()}. */
  public void route(String path, HttpHandler handler) {
    server.createContext(path, handler);
  }

  public WorkerHttpServer start() {
    server.start();
    log.info("HTTP endpoints on port {}", port());
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void health(HttpExchange exchange, WorkerStatus status, boolean readiness)
      throws IOException {
    boolean ok = readiness ? status.ready() : status.live();
    PauseReason pause = status.pauseReason();
    String body =
        "{\"status\":\""
            + (ok ? "UP" : "DOWN")
            + "\",\"live\":"
            + status.live()
            + ",\"ready\":"
            + status.ready()
            + ",\"partitions\":"
            + status.assignedPartitions()
            + ",\"restoring\":"
            + status.restoringPartitions()
            + ",\"queued\":"
            + status.queued()
            + ",\"in_flight\":"
            + status.slotsUsed()
            + ",\"at_risk\":"
            + status.atRisk()
            + ",\"paused\":"
            + (pause == null ? "null" : "\"" + pause.code() + "\"")
            + ",\"pause_detail\":"
            + (status.pauseDetail() == null ? "null" : quote(status.pauseDetail()))
            + ",\"held_bytes\":"
            + status.heldBytes()
            + heldBack(status.heldBack())
            + key(status.key())
            + "}";
    respond(exchange, ok ? 200 : 503, "application/json", body);
  }

  /** Partitions held back and why, as {@code ,"held_back":{"3":"..."}}; nothing when none is. */
  private static String heldBack(java.util.Map<Integer, String> partitions) {
    if (partitions.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(",\"held_back\":{");
    partitions.forEach(
        (p, why) -> out.append(out.length() > 13 ? "," : "").append("\"" + p + "\":" + quote(why)));
    return out.append('}').toString();
  }

  /** The pod's share of the Nimble key, as {@code ,"key":{...}}. */
  private static String key(WorkerStatus.KeyView key) {
    if (key == null) {
      return "";
    }
    return String.format(
        java.util.Locale.ROOT,
        ",\"key\":{\"calls_per_second\":%.2f,\"tasks\":%d,\"pods\":%d,\"slowdown\":%.2f}",
        key.callsPerSecond(),
        key.tasks(),
        key.pods(),
        key.slowdown());
  }

  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static HttpHandler get(HttpHandler handler) {
    return exchange -> {
      try (exchange) {
        if (!"GET".equals(exchange.getRequestMethod())) {
          respond(exchange, 405, "text/plain", "method not allowed");
          return;
        }
        handler.handle(exchange);
      }
    };
  }

  static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
