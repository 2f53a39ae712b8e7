package dev.nimblekafka.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started by the benchmark: its own process, so its CPU time ({@code /proc/<pid>/stat})
 * and heap ({@code jcmd}, its GC log) are its own. Output goes to a log file. Only this handle ever
 * stops it.
 */
final class JavaProcess implements AutoCloseable {
  /** Variables a child inherits; everything else it gets is set explicitly. */
  private static final List<String> INHERITED =
      List.of("PATH", "HOME", "JAVA_HOME", "LANG", "TMPDIR");

  private static final long CLOCK_TICKS = clockTicks();

  private final String name;
  private final Process process;
  private final Path log;
  private volatile double lastCpu;

  private JavaProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code java <jvmArgs> <args>} with a clean environment plus {@code env}. */
  static JavaProcess start(
      String name, List<String> jvmArgs, List<String> args, Map<String, String> env, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> childEnv = builder.environment();
    childEnv.keySet().retainAll(INHERITED);
    childEnv.putAll(env);
    Files.createDirectories(log.getParent());
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return new JavaProcess(name, builder.start(), log);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** User plus system CPU time so far, in seconds; the last value read once the process is gone. */
  double cpuSeconds() {
    double cpu = cpuSecondsOf(pid());
    if (!Double.isNaN(cpu)) {
      lastCpu = cpu;
    } // else the process ended: keep the last reading
    return lastCpu;
  }

  /** User plus system CPU time of process {@code pid} so far, in seconds; NaN if unreadable. */
  static double cpuSecondsOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name (field 2) may hold spaces; fields after it are counted from its ')'
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
      return ticks / (double) CLOCK_TICKS;
    } catch (IOException | RuntimeException gone) {
      return Double.NaN;
    }
  }

  /** Waits for a line in the log that starts with {@code prefix}, and returns it. */
  String awaitLine(String prefix, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          if (line.startsWith(prefix)) {
            return line;
          }
        }
      }
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
      }
      Thread.sleep(100);
    }
    throw new IOException(name + " printed no '" + prefix + "' within " + timeout + "; see " + log);
  }

  /** SIGTERM, then SIGKILL if it has not ended within {@code grace}; returns the exit code. */
  int stop(Duration grace) throws InterruptedException {
    cpuSeconds();
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop(Duration.ofSeconds(30));
    }
  }

  static long clockTicksPerSecond() {
    return CLOCK_TICKS;
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
      String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      getconf.waitFor(5, TimeUnit.SECONDS);
      return Long.parseLong(out.strip());
    } catch (IOException | RuntimeException e) {
      return 100; // Linux's USER_HZ almost everywhere
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
