package dev.nimblekafka.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Nimble simulator in its own JVM, from the product's jar. */
final class SimProcess implements AutoCloseable {
  private final Process process;
  private final SimAdmin admin;

  SimProcess(Path jar, String apiKey, List<String> options, Path log) {
    int port = WorkerProcess.freePort();
    List<String> command = new ArrayList<>(javaCommand("384m"));
    command.addAll(List.of("-jar", jar.toString(), "sim", "--host", "127.0.0.1"));
    command.addAll(List.of("--port", Integer.toString(port), "--api-key", apiKey));
    command.addAll(options);
    try {
      this.process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("starting the simulator", e);
    }
    this.admin = new SimAdmin("http://127.0.0.1:" + port, apiKey);
    admin.awaitUp(Duration.ofSeconds(60));
  }

  SimAdmin admin() {
    return admin;
  }

  /** {@code java} of this JVM with a heap cap and the serial collector (a 2-core machine). */
  static List<String> javaCommand(String heap) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap,
        "-XX:+UseSerialGC");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
