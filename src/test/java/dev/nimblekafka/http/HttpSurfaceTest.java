package dev.nimblekafka.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nimblekafka.callback.CallbackEndpoint;
import dev.nimblekafka.callback.CallbackTokens;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worker's two ports over real HTTP: what a slow or hostile caller can and cannot hold. */
@Timeout(30)
class HttpSurfaceTest {
  private static final String SECRET = "http-surface-secret-0123456789";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private final List<AutoCloseable> open = new ArrayList<>();

  /** A health that is always up. */
  private static final Health UP =
      new Health() {
        @Override
        public boolean live() {
          return true;
        }

        @Override
        public boolean ready() {
          return true;
        }

        @Override
        public String details() {
          return "\"live\":true";
        }
      };

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T opened(T c) {
    open.add(c);
    return c;
  }

  private WorkerHttpServer callbackPort(int threads, Duration limit) throws IOException {
    WorkerHttpServer server = opened(new WorkerHttpServer("callback", 0, threads, limit));
    server.route(
        CallbackEndpoint.PATH,
        new CallbackEndpoint(new CallbackTokens(SECRET), 65_536, hint -> {}, outcome -> {}));
    return server.start();
  }

  /** A socket that sends the start of a callback and then nothing: it holds a thread. */
  private Socket slowloris(int port) throws IOException {
    Socket socket = opened(new Socket("127.0.0.1", port));
    socket
        .getOutputStream()
        .write("POST /callbacks/nimble/x HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return socket;
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(3))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void slowlorisSocketsOnTheCallbackPortDoNotStopLivenessAnswering() throws Exception {
    WorkerHttpServer callbacks = callbackPort(4, Duration.ofMinutes(5));
    WorkerHttpServer admin =
        opened(
            AdminEndpoints.on(
                    new WorkerHttpServer("admin", 0, 2, Duration.ofSeconds(10)), UP, () -> "m 1\n")
                .start());
    assertThat(get(callbacks.port(), "/health/live").statusCode())
        .as("the callback port serves callbacks only")
        .isEqualTo(404);
    for (int i = 0; i < 16; i++) {
      slowloris(callbacks.port());
    }

    HttpResponse<String> live = get(admin.port(), "/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("{\"status\":\"UP\",\"live\":true}");
    assertThat(get(admin.port(), "/metrics").body()).isEqualTo("m 1\n");
  }

  @Test
  void aSlowRequestIsCutOffAtTheExchangeLimitAndItsThreadServesAgain() throws Exception {
    WorkerHttpServer callbacks = callbackPort(1, Duration.ofMillis(500));
    Socket slow = slowloris(callbacks.port());
    slow.setSoTimeout(10_000);

    InputStream in = slow.getInputStream();
    assertThat(in.read()).as("the slow socket is closed by the server").isEqualTo(-1);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(get(callbacks.port(), "/callbacks/nimble/forged").statusCode())
                    .isEqualTo(404));
  }

  @Test
  void aPortClosedBeforeItsServerStartedIsFreeAgain() throws Exception {
    WorkerHttpServer never = new WorkerHttpServer("admin", 0, 1, Duration.ofSeconds(5));
    int port = never.port();
    never.close();
    never.close();

    try (java.net.ServerSocket again = new java.net.ServerSocket(port)) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }
}
