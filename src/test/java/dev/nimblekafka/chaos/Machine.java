package dev.nimblekafka.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Facts about where and on what a run was measured, for the report. */
final class Machine {
  private Machine() {}

  static String commit(Path root) {
    String head = git(root, "rev-parse", "HEAD");
    if (head == null) {
      return "unknown (not a git checkout)";
    }
    String dirty =
        git(
            root,
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
            ".",
            ":!docs/chaos-results.md");
    return "`" + head + "`" + (dirty == null || dirty.isBlank() ? "" : " with uncommitted changes");
  }

  private static String git(Path root, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static String describe() {
    String cpu = "unknown CPU";
    long memoryKb = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).strip();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memoryKb = Long.parseLong(line.replaceAll("\\D+", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the core count is still known
    }
    return Runtime.getRuntime().availableProcessors()
        + " cores ("
        + cpu
        + ")"
        + (memoryKb > 0 ? ", " + memoryKb / 1024 / 1024 + " GiB RAM" : "")
        + ", Java "
        + System.getProperty("java.version");
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
