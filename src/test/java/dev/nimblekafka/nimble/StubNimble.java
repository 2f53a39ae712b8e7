package dev.nimblekafka.nimble;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A scripted HTTP server on a random port that answers every call as the test says: a status,
 * headers and a body, which may be written in chunks so that a large body is never held whole.
 */
final class StubNimble implements AutoCloseable {

  /** An answer: {@code body} writes the body (it may be large); null for none. */
  record Answer(int status, Map<String, String> headers, BodyWriter body) {
    static Answer json(int status, String body) {
      return json(status, Map.of(), body);
    }

    static Answer json(int status, Map<String, String> headers, String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      return new Answer(status, headers, out -> out.write(bytes));
    }
  }

  interface BodyWriter {
    void write(OutputStream out) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
  private final AtomicLong bytesWritten = new AtomicLong();

  private StubNimble(HttpServer server) {
    this.server = server;
  }

  /** Starts a server whose answer to each call (by method and raw path with query) is given. */
  static StubNimble start(Function<URI, Answer> answers) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    StubNimble stub = new StubNimble(server);
    server.createContext("/", exchange -> stub.answer(exchange, answers));
    server.setExecutor(stub.executor);
    server.start();
    return stub;
  }

  private void answer(HttpExchange exchange, Function<URI, Answer> answers) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      calls.add(
          exchange.getRequestMethod()
              + " "
              + uri.getRawPath()
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
      exchange.getRequestBody().readAllBytes();
      Answer answer = answers.apply(uri);
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.status(), answer.body() == null ? -1 : 0);
      if (answer.body() != null) {
        OutputStream counting =
            new OutputStream() {
              private final OutputStream out = exchange.getResponseBody();

              @Override
              public void write(int b) throws IOException {
                out.write(b);
                bytesWritten.incrementAndGet();
              }

              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                bytesWritten.addAndGet(len);
              }
            };
        answer.body().write(counting);
      }
    } catch (IOException closedByTheClient) {
      // the client stopped reading: what the cap tests expect
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every call received, as {@code METHOD /raw/path?raw-query}. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  long bytesWritten() {
    return bytesWritten.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
