package dev.nimblekafka.sim;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes replies to exchanges: at once, or slowly (the body in up to ten chunks spread over the
 * slow-body time, scheduled rather than slept), or not at all (the connection is closed without a
 * response, as a dropped connection).
 */
final class ResponseWriter {
  private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);
  private static final int SLOW_CHUNKS = 10;

  private final ScheduledExecutorService scheduler;
  private final Executor io;

  ResponseWriter(ScheduledExecutorService scheduler, Executor io) {
    this.scheduler = scheduler;
    this.io = io;
  }

  void send(HttpExchange exchange, Reply reply, long slowMillis) {
    try {
      Headers headers = exchange.getResponseHeaders();
      headers.set("Content-Type", reply.contentType());
      reply.headers().forEach(headers::set);
      byte[] body = reply.body();
      exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      if (slowMillis <= 0 || body.length == 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
        return;
      }
      int chunks = Math.min(SLOW_CHUNKS, body.length);
      writeSlowly(exchange, body, 0, (body.length + chunks - 1) / chunks, slowMillis / chunks);
    } catch (IOException | RuntimeException e) {
      log.debug("writing a response failed: {}", e.toString());
      exchange.close();
    }
  }

  /** Closes the connection without a response. */
  static void drop(HttpExchange exchange) {
    exchange.close();
  }

  private void writeSlowly(HttpExchange exchange, byte[] body, int offset, int chunk, long delay) {
    try {
      scheduler.schedule(
          () -> io.execute(() -> writeChunk(exchange, body, offset, chunk, delay)),
          delay,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      exchange.close();
    }
  }

  private void writeChunk(HttpExchange exchange, byte[] body, int offset, int chunk, long delay) {
    try {
      OutputStream out = exchange.getResponseBody();
      int length = Math.min(chunk, body.length - offset);
      out.write(body, offset, length);
      out.flush();
      if (offset + length >= body.length) {
        out.close();
      } else {
        writeSlowly(exchange, body, offset + length, chunk, delay);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("writing a slow response failed: {}", e.toString());
      exchange.close();
    }
  }
}
