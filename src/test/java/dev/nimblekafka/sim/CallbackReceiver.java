package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A tiny HTTP server that records callback bodies and answers a chosen status. */
final class CallbackReceiver implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final ConcurrentLinkedQueue<JsonNode> received = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Headers> headers = new ConcurrentLinkedQueue<>();
  private volatile int status = 200;

  CallbackReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          headers.add(exchange.getRequestHeaders());
          received.add(SimHttp.MAPPER.readTree(body));
          exchange.sendResponseHeaders(status, -1);
          try (OutputStream out = exchange.getResponseBody()) {
            out.flush();
          }
        });
    server.setExecutor(executor);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  void answer(int statusCode) {
    status = statusCode;
  }

  List<JsonNode> received() {
    return List.copyOf(received);
  }

  /** The request headers of the callbacks received, in arrival order. */
  List<Headers> headers() {
    return List.copyOf(headers);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
