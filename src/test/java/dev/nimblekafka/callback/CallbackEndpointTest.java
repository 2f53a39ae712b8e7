package dev.nimblekafka.callback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.http.WorkerHttpServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The callback endpoint over real HTTP. */
@Timeout(30)
class CallbackEndpointTest {
  private static final String SECRET = "callback-endpoint-secret-0123456789";

  @Test
  void aForgedTokenIsRefusedBeforeItsBodyIsRead() throws Exception {
    List<String> outcomes = new CopyOnWriteArrayList<>();
    List<CallbackHint> hints = new CopyOnWriteArrayList<>();
    try (WorkerHttpServer server =
            new WorkerHttpServer("callback", 0, 2, Duration.ofSeconds(30))
                .route(
                    CallbackEndpoint.PATH,
                    new CallbackEndpoint(
                        new CallbackTokens(SECRET), 16 * 1024 * 1024, hints::add, outcomes::add))
                .start();
        Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      // a large body announced and never sent: reading it first would wait for it
      out.write(
          ("POST /callbacks/nimble/3.cjE.forgedmac HTTP/1.1\r\nHost: a\r\n"
                  + "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();

      byte[] status = socket.getInputStream().readNBytes(12);
      assertThat(new String(status, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 404");
      assertThat(outcomes).containsExactly("forged");
      assertThat(hints).isEmpty();
    }
  }
}
