package dev.nimblekafka.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker in its own JVM ({@code java -Xmx.. -jar ... worker}), configured only by environment
 * variables, with a GC log, its {@code /metrics}, and heap readings through {@code jcmd}.
 */
final class WorkerProcess implements AutoCloseable {
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  private final JavaProcess process;
  private final int adminPort;
  private final Path gcLog;
  private final Map<String, String> env;

  private WorkerProcess(JavaProcess process, int adminPort, Path gcLog, Map<String, String> env) {
    this.process = process;
    this.adminPort = adminPort;
    this.gcLog = gcLog;
    this.env = env;
  }

  /**
   * Starts a worker on {@code topics} (unique per run) against {@code nimbleUrl}; {@code extraEnv}
   * comes last and wins.
   */
  static WorkerProcess start(
      Path jar,
      String bootstrap,
      String nimbleUrl,
      Topics topics,
      String heap,
      Map<String, String> extraEnv,
      Path dir)
      throws IOException {
    return start(jar, bootstrap, nimbleUrl, topics, heap, extraEnv, dir, 1);
  }

  /**
   * As {@link #start(Path, String, String, Topics, String, Map, Path)}, as pod number {@code
   * instance} of the run's consumer group ({@code WORKER_INSTANCE_ID=<group>-<instance>}), with its
   * log, GC log and metrics in {@code dir}.
   */
  static WorkerProcess start(
      Path jar,
      String bootstrap,
      String nimbleUrl,
      Topics topics,
      String heap,
      Map<String, String> extraEnv,
      Path dir,
      int instance)
      throws IOException {
    int port = freePort();
    int adminPort = freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("NIMBLE_API_KEY", Simulator.API_KEY);
    env.put("NIMBLE_BASE_URL", nimbleUrl);
    env.put("REQUESTS_TOPIC", topics.requests());
    env.put("RESULTS_TOPIC", topics.results());
    env.put("FAILURES_TOPIC", topics.failures());
    env.put("STATE_TOPIC", topics.state());
    env.put("CALLBACKS_TOPIC", topics.callbacks());
    env.put("USAGE_TOPIC", topics.usage());
    env.put("WORKER_GROUP_ID", topics.group());
    env.put("WORKER_INSTANCE_ID", topics.group() + "-" + instance);
    env.put("HTTP_PORT", Integer.toString(port));
    env.put("ADMIN_PORT", Integer.toString(adminPort));
    // a variant may refer to the worker's own port, e.g.
    // CALLBACK_BASE_URL=http://127.0.0.1:{http_port}
    extraEnv.forEach(
        (name, value) -> env.put(name, value.replace("{http_port}", Integer.toString(port))));
    Path gcLog = dir.resolve("worker-gc.log");
    List<String> jvm =
        new java.util.ArrayList<>(
            List.of(
                "-Xmx" + heap,
                "-XX:+UseG1GC",
                "-XX:+ExitOnOutOfMemoryError",
                "-Xlog:gc:file=" + gcLog + ":uptime"));
    if (System.getenv("BENCH_JFR") != null) {
      // a profile of where the worker's CPU goes: BENCH_JFR=1 make bench SCENARIOS=fast-path
      jvm.add("-XX:StartFlightRecording=settings=profile,filename=" + dir.resolve("worker.jfr"));
    }
    JavaProcess process =
        JavaProcess.start(
            "worker-" + instance,
            jvm,
            List.of("-jar", jar.toString(), "worker"),
            env,
            dir.resolve("worker.log"));
    return new WorkerProcess(process, adminPort, gcLog, env);
  }

  /** Waits until {@code /health/ready} answers 200. */
  boolean awaitReady(Duration timeout) throws InterruptedException {
    return Http.awaitOk(url("/health/ready"), timeout, process);
  }

  String url(String path) {
    return "http://127.0.0.1:" + adminPort + path;
  }

  Prometheus metrics() throws IOException, InterruptedException {
    return Prometheus.parse(Http.get(url("/metrics")).body());
  }

  String rawMetrics() throws IOException, InterruptedException {
    return Http.get(url("/metrics")).body();
  }

  JavaProcess process() {
    return process;
  }

  Map<String, String> env() {
    return env;
  }

  GcLog gcLog() throws IOException {
    return GcLog.read(gcLog);
  }

  /** Runs a full GC ({@code jcmd GC.run}) and returns the heap then in use, in bytes. */
  long heapAfterFullGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    if (!m.find()) {
      throw new IOException("jcmd GC.heap_info said nothing readable: " + info);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  /**
   * Why the worker is gone, for the report: its exit code and the first line of its log that names
   * an OutOfMemoryError, or else its last ERROR line.
   */
  String deathNote() {
    String exit = "the worker exited";
    try {
      exit += " with code " + process.stop(Duration.ofSeconds(1));
      List<String> lines = java.nio.file.Files.readAllLines(process.log(), StandardCharsets.UTF_8);
      String oom = null;
      String lastError = null;
      for (String line : lines) {
        if (oom == null && line.contains("OutOfMemoryError")) {
          oom = line.strip();
        }
        if (line.contains(" ERROR ")) {
          lastError = line.strip();
        }
      }
      String why = oom != null ? oom : lastError;
      return why == null ? exit : exit + " (log: '" + why + "')";
    } catch (IOException e) {
      return exit;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return exit;
    }
  }

  /** SIGTERM (the worker drains for SHUTDOWN_GRACE_PERIOD), SIGKILL after {@code grace}. */
  int stop(Duration grace) throws InterruptedException {
    return process.stop(grace);
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
