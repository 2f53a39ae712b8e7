package dev.nimblekafka.deploy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A worker that is ready at once: answers 200 to every path on the port it is given, for the
 * seconds it is given, then exits 0. Started by {@link LocalRunScriptTest}'s stand-in {@code java}.
 */
public final class ReadyStandIn {
  private ReadyStandIn() {}

  public static void main(String[] args) throws Exception {
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 8);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    Thread.sleep(Long.parseLong(args[1]) * 1000);
    server.stop(0);
  }
}
