package dev.nimblekafka.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * The operator's endpoints, served on a port of their own so that no caller of the callback port
 * can keep the kubelet's probes or Prometheus from an answer: {@code /health/live}, {@code
 * /health/ready} (200 or 503, with what the worker is doing) and {@code /metrics} (Prometheus
 * text).
 */
public final class AdminEndpoints {
  private AdminEndpoints() {}

  /** Adds the endpoints to a server not yet started. */
  public static WorkerHttpServer on(
      WorkerHttpServer server, Health health, Supplier<String> metrics) {
    return server
        .route("/health/live", get(exchange -> health(exchange, health.live(), health)))
        .route("/health/ready", get(exchange -> health(exchange, health.ready(), health)))
        .route(
            "/metrics",
            get(
                exchange ->
                    WorkerHttpServer.respond(
                        exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get())));
  }

  private static void health(HttpExchange exchange, boolean ok, Health health) throws IOException {
    String body = "{\"status\":\"" + (ok ? "UP" : "DOWN") + "\"," + health.details() + "}";
    WorkerHttpServer.respond(exchange, ok ? 200 : 503, "application/json", body);
  }

  private static HttpHandler get(HttpHandler handler) {
    return exchange -> {
      try (exchange) {
        if (!"GET".equals(exchange.getRequestMethod())) {
          WorkerHttpServer.respond(exchange, 405, "text/plain", "method not allowed");
          return;
        }
        handler.handle(exchange);
      }
    };
  }
}
