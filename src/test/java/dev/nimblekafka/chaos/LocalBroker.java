package dev.nimblekafka.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker of the run's own, through {@code deploy/local-kafka/kafka.sh} on free ports and in the
 * run's folder, so that a broker started with {@code make kafka-up} is never touched.
 */
final class LocalBroker {
  private final Path script;
  private final Path dir;
  private final Path log;
  private final int port;
  private final int controllerPort;

  LocalBroker(Path root, Path dir, Path log) {
    this.script = root.resolve("deploy/local-kafka/kafka.sh");
    this.dir = dir;
    this.log = log;
    this.port = WorkerProcess.freePort();
    this.controllerPort = WorkerProcess.freePort();
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  Path dir() {
    return dir;
  }

  /** Starts it (formatting the data folder the first time) and returns once it answers. */
  void up() {
    run("up", 300);
  }

  /** SIGTERM, then SIGKILL if it has not stopped within 30 s. */
  void down() {
    run("down", 90);
  }

  /** Sends the broker process {@code SIG<signal>} (e.g. STOP, CONT); its pid is in its folder. */
  void signal(String signal) {
    try {
      String pid = java.nio.file.Files.readString(dir.resolve("broker.pid")).trim();
      Process kill =
          new ProcessBuilder("kill", "-" + signal, pid).redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void run(String command, long timeoutSeconds) {
    ProcessBuilder builder =
        new ProcessBuilder(List.of("bash", script.toString(), command))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("KAFKA_PORT", Integer.toString(port));
    builder.environment().put("KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort));
    builder.environment().put("KAFKA_LOCAL_DIR", dir.toString());
    try {
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "kafka.sh " + command + " did not finish within " + timeoutSeconds + "s; see " + log);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "kafka.sh " + command + " exited " + process.exitValue() + "; see " + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
