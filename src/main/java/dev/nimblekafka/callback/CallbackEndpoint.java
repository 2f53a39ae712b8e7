package dev.nimblekafka.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.nimblekafka.nimble.TaskInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /callbacks/nimble/{token}}: checks the token, reads the task id from Nimble's payload
 * ({@code {"task":{"id":...}}}), and hands a {@link CallbackHint} on. A wrong or missing token is
 * 404, answered before any of the body is read; an oversized body 413, an unreadable one 400; none
 * of them changes anything.
 */
public final class CallbackEndpoint implements HttpHandler {
  public static final String PATH = "/callbacks/nimble/";
  private static final Logger log = LoggerFactory.getLogger(CallbackEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CallbackTokens tokens;
  private final int maxBodyBytes;
  private final Consumer<CallbackHint> hints;
  private final CallbackCounters counters;

  public CallbackEndpoint(
      CallbackTokens tokens,
      int maxBodyBytes,
      Consumer<CallbackHint> hints,
      CallbackCounters counters) {
    this.tokens = tokens;
    this.maxBodyBytes = maxBodyBytes;
    this.hints = hints;
    this.counters = counters;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String token = path.length() > PATH.length() ? path.substring(PATH.length()) : "";
      Optional<CallbackTokens.Claim> claim = tokens.verify(token);
      if (claim.isEmpty()) {
        // answered from the URL alone: a forged callback never costs reading its body
        reply(exchange, 404, "unknown callback", "forged");
        return;
      }
      // a genuine one is read (a bounded amount) before the answer: answering first can reset
      // the connection under a client that is still sending, and it would never see the answer
      byte[] body = readLimited(exchange.getRequestBody());
      if (!"POST".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, "method not allowed", "method");
        return;
      }
      if (body == null) {
        reply(exchange, 413, "callback body too large", "too_large");
        return;
      }
      TaskInfo task = task(body);
      String taskId = task == null ? null : task.id();
      if (taskId == null) {
        reply(exchange, 400, "callback body has no task id", "unreadable");
        return;
      }
      hints.accept(new CallbackHint(claim.get().partitions(), claim.get().scope(), taskId, task));
      reply(exchange, 202, "accepted", "accepted");
    } catch (RuntimeException e) {
      log.warn("Callback handling failed: {}", e.toString());
      counters.count("error");
    }
  }

  private void reply(HttpExchange exchange, int status, String text, String outcome)
      throws IOException {
    counters.count(outcome);
    byte[] bytes = ("{\"status\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private byte[] readLimited(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(maxBodyBytes + 1);
    return bytes.length > maxBodyBytes ? null : bytes;
  }

  /** The task the body names ({@code task.id}, or {@code task_id}), or null when it names none. */
  private static TaskInfo task(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null) {
        return null;
      }
      JsonNode task = root.path("task");
      JsonNode id = task.isObject() ? task.path("id") : root.path("task_id");
      if (!task.isObject() && !id.isTextual()) {
        id = root.path("crawl_id"); // a crawl's own event (started, completed, failed)
      }
      if (!id.isTextual() || id.asText().isBlank() || id.asText().length() > 128) {
        return null;
      }
      TaskInfo read = TaskInfo.fromTask(task.isObject() ? task : root);
      return new TaskInfo(
          id.asText(),
          read.state(),
          read.wireState(),
          read.error(),
          read.errorType(),
          read.outputUrl(),
          read.createdAt(),
          read.modifiedAt());
    } catch (IOException notJson) {
      return null;
    }
  }

  /** Counts callbacks by outcome (a metric in the worker). */
  @FunctionalInterface
  public interface CallbackCounters {
    void count(String outcome);
  }
}
