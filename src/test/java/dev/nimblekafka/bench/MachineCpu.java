package dev.nimblekafka.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's busy CPU time from {@code /proc/stat} (all but idle and iowait), so a run can
 * say how much of the machine its own processes used and how much went to everything else.
 */
final class MachineCpu {
  private MachineCpu() {}

  /** Busy CPU-seconds of the whole machine since boot; NaN where {@code /proc/stat} is missing. */
  static double busySeconds() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long total = 0;
          for (int i = 1; i < f.length && i <= 8; i++) { // user..steal; guest is inside user
            total += Long.parseLong(f[i]);
          }
          long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
          return (total - idle) / (double) JavaProcess.clockTicksPerSecond();
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
