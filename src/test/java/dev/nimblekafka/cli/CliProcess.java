package dev.nimblekafka.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The command line in its own JVM, as a user runs it, with exactly the environment given (nothing
 * inherited from the test JVM, so a setting can only come from where the test put it).
 */
final class CliProcess {
  /** What a finished run printed. */
  record Run(int exit, String out, String err) {}

  private final Process process;
  private final Path out;
  private final Path err;
  private final String description;

  private CliProcess(Process process, Path out, Path err, String description) {
    this.process = process;
    this.out = out;
    this.err = err;
    this.description = description;
  }

  /** Runs a command line to its end (at most two minutes). */
  static Run run(Map<String, String> env, Path dir, String... args) throws Exception {
    return start(env, dir, List.of(), args).await();
  }

  /** Starts a command line; {@code jvmOptions} go before the main class. */
  static CliProcess start(
      Map<String, String> env, Path dir, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.nimblekafka.cli.Main");
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    return new CliProcess(builder.start(), out, err, String.join(" ", args));
  }

  /** Its standard input: what is written here, the command reads. */
  java.io.OutputStream stdin() {
    return process.getOutputStream();
  }

  /** Runs a command line to its end with {@code input} as its standard input. */
  static Run run(Map<String, String> env, Path dir, byte[] input, String... args) throws Exception {
    CliProcess cli = start(env, dir, List.of(), args);
    try (java.io.OutputStream in = cli.stdin()) {
      in.write(input);
    }
    return cli.await();
  }

  /** What it printed on stderr so far. */
  String errSoFar() throws IOException {
    return Files.readString(err);
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Waits for the end (at most two minutes). */
  Run await() throws Exception {
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + description + "\n" + Files.readString(err));
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
