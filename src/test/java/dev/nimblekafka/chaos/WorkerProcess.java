package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One worker pod: its own JVM, a fixed instance id and HTTP port kept across restarts (a restart
 * fences the killed one's transaction at once), output appended to one log file with a line at
 * every start and kill.
 */
final class WorkerProcess {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

  private final String instanceId;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final int httpPort;
  private final int adminPort;
  private Process process;
  private int starts;
  private boolean meantToRun;

  /**
   * @param command the command line that runs {@code worker} (e.g. {@code java -jar ... worker})
   * @param environment the pod's environment without {@code WORKER_INSTANCE_ID}, {@code HTTP_PORT}
   *     and {@code ADMIN_PORT}, which are added here
   */
  WorkerProcess(
      String instanceId, List<String> command, Map<String, String> environment, Path log) {
    this.instanceId = instanceId;
    this.command = List.copyOf(command);
    this.httpPort = freePort();
    this.adminPort = freePort();
    Map<String, String> env = new HashMap<>(environment);
    env.put("WORKER_INSTANCE_ID", instanceId);
    env.put("HTTP_PORT", Integer.toString(httpPort));
    env.put("ADMIN_PORT", Integer.toString(adminPort));
    if (env.containsKey("CALLBACK_SECRET")) {
      env.put("CALLBACK_BASE_URL", "http://127.0.0.1:" + httpPort);
    }
    this.environment = Map.copyOf(env);
    this.log = log;
  }

  String instanceId() {
    return instanceId;
  }

  Path log() {
    return log;
  }

  int httpPort() {
    return httpPort;
  }

  synchronized int starts() {
    return starts;
  }

  /** Starts the JVM (again). */
  synchronized void start(String why) {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(instanceId + " is already running");
    }
    starts++;
    note("start #" + starts + " (" + why + ")");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("starting worker " + instanceId, e);
    }
    meantToRun = true;
  }

  /** SIGKILL: no shutdown hook, nothing flushed or committed. Returns the pid killed. */
  synchronized long kill() {
    meantToRun = false;
    if (process == null || !process.isAlive()) {
      return -1;
    }
    long pid = process.pid();
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
    note("SIGKILL of pid " + pid);
    return pid;
  }

  /**
   * SIGTERM (the worker drains and commits), SIGKILL after {@code grace}. Returns the exit code.
   */
  synchronized int terminate(Duration grace) {
    meantToRun = false;
    if (process == null) {
      return 0;
    }
    if (process.isAlive()) {
      process.destroy();
      if (!waitFor(grace)) {
        note("no exit " + Text.duration(grace) + " after SIGTERM; SIGKILL");
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
        return -9;
      }
    }
    return process.exitValue();
  }

  /** True once the JVM ended though nobody stopped it; the exit code is then in {@link #exit()}. */
  synchronized boolean exitedOnItsOwn() {
    return meantToRun && process != null && !process.isAlive();
  }

  synchronized int exit() {
    return process == null || process.isAlive() ? Integer.MIN_VALUE : process.exitValue();
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** The readiness body if it answered 200 (ready), else null. */
  JsonNode readiness() {
    try {
      HttpResponse<String> r =
          http.send(get("/health/ready"), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** True when {@code /health/live} answers 200. */
  boolean live() {
    try {
      return http.send(get("/health/live"), HttpResponse.BodyHandlers.discarding()).statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** True while the worker should be running (started, and neither killed nor stopped). */
  synchronized boolean meantToRun() {
    return meantToRun;
  }

  /** The health body and the meters now; {@link WorkerSample#none} when it does not answer. */
  WorkerSample sample(Duration at) {
    try {
      HttpResponse<String> metrics =
          http.send(get("/metrics"), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> health =
          http.send(get("/health/ready"), HttpResponse.BodyHandlers.ofString());
      return WorkerSample.of(at, JSON.readTree(health.body()), new Prometheus(metrics.body()));
    } catch (IOException e) {
      return WorkerSample.none(at);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return WorkerSample.none(at);
    }
  }

  /** Appends a line of the driver's own to the worker's log. */
  void note(String text) {
    try {
      Files.writeString(
          log,
          "=== chaos " + Instant.now() + " " + instanceId + ": " + text + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
        .timeout(HTTP_TIMEOUT)
        .GET()
        .build();
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
