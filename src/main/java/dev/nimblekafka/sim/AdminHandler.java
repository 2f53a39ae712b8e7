package dev.nimblekafka.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * The simulator's own endpoints under {@code /sim/}; they need no API key and are not subject to
 * faults or counted:
 *
 * <ul>
 *   <li>{@code GET /sim/health}: {@code {"status":"ok"}};
 *   <li>{@code GET /sim/stats}: the counters (see {@link SimStats});
 *   <li>{@code POST /sim/reset}: zeroes the counters (duplicates then count among tasks created
 *       afterwards; tasks are kept);
 *   <li>{@code GET /sim/faults}, {@code POST /sim/faults} (change the named faults; see {@link
 *       FaultsJson}), {@code DELETE /sim/faults} (clear all).
 * </ul>
 */
final class AdminHandler implements HttpHandler {
  private final Supplier<SimStats> stats;
  private final Runnable reset;
  private final SimFaults faults;
  private final ResponseWriter writer;

  AdminHandler(Supplier<SimStats> stats, Runnable reset, SimFaults faults, ResponseWriter writer) {
    this.stats = stats;
    this.reset = reset;
    this.faults = faults;
    this.writer = writer;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    if (path.endsWith("/") && path.length() > 1) {
      path = path.substring(0, path.length() - 1);
    }
    Reply reply;
    try {
      reply = answer(method, path, exchange);
    } catch (IllegalArgumentException e) {
      reply = Reply.json(400, Json.object().put("status", "failed").put("msg", e.getMessage()));
    }
    writer.send(exchange, reply, 0);
  }

  private Reply answer(String method, String path, HttpExchange exchange) throws IOException {
    switch (method + " " + path) {
      case "GET /sim/health":
        return Reply.json(200, Json.object().put("status", "ok"));
      case "GET /sim/stats":
        return Reply.json(200, StatsRecorder.toJson(stats.get()));
      case "POST /sim/reset":
        reset.run();
        return Reply.json(200, Json.object().put("status", "success"));
      case "GET /sim/faults":
        return Reply.json(200, FaultsJson.toJson(faults.current()));
      case "POST /sim/faults":
        {
          byte[] raw = exchange.getRequestBody().readAllBytes();
          JsonNode body;
          try {
            body = Json.MAPPER.readTree(raw);
          } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
          }
          synchronized (faults) {
            faults.apply(FaultsJson.merge(faults.current(), body));
          }
          return Reply.json(200, FaultsJson.toJson(faults.current()));
        }
      case "DELETE /sim/faults":
        faults.clear();
        return Reply.json(200, FaultsJson.toJson(faults.current()));
      default:
        return Reply.json(404, Json.object().put("status", "failed").put("msg", "Not found"));
    }
  }
}
