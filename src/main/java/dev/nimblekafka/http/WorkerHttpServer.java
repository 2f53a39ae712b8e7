package dev.nimblekafka.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP port of the worker, with threads of its own, none of which an exchange may hold longer
 * than a time limit. The port is bound when this is made; routes are added before {@link #start()}.
 */
public final class WorkerHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerHttpServer.class);

  private final String name;
  private final HttpServer server;
  private final TimedExchanges exchanges;
  private boolean started;

  /**
   * Binds the port (0 picks a free one).
   *
   * @param name what the port serves, for its threads' names and the log
   * @param threads exchanges served at once
   * @param exchangeLimit how long one exchange may take, from its first byte to its answer
   */
  public WorkerHttpServer(String name, int port, int threads, Duration exchangeLimit)
      throws IOException {
    this.name = name;
    this.server = HttpServer.create(new InetSocketAddress(port), 128);
    this.exchanges = new TimedExchanges("http-" + name, threads, exchangeLimit);
    server.setExecutor(exchanges);
  }

  /** Adds a route; call before {@link #start()}. */
  public WorkerHttpServer route(String path, HttpHandler handler) {
    server.createContext(path, handler);
    return this;
  }

  public synchronized WorkerHttpServer start() {
    started = true;
    server.start();
    log.info("HTTP {} endpoints on port {}", name, port());
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Frees the port; safe before {@link #start()} and more than once. */
  @Override
  public synchronized void close() {
    if (!started) {
      // the JDK server releases its socket from its dispatcher thread: one that never ran would
      // keep the port bound after stop
      started = true;
      server.start();
    }
    server.stop(0);
    exchanges.close();
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
