package dev.nimblekafka.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Once-a-second samples of a run (outcomes so far, worker CPU, what the worker and the simulator
 * hold), appended as CSV next to the logs while the run goes on: the evidence when a run stalls.
 */
final class Timeline {
  static final String HEADER =
      "seconds,outcomes,worker_cpu_s,worker_in_flight,worker_queued,sim_running,sim_queued,sim_tasks_created";

  private final long start = System.nanoTime();
  private final Path file;
  private double peakInFlight;
  private double peakQueued;

  Timeline(Path file) throws IOException {
    this.file = file;
    Files.writeString(file, HEADER + "\n");
  }

  void add(
      long outcomes,
      double cpu,
      double inFlight,
      double queued,
      long simRunning,
      long simQueued,
      long simCreated) {
    peakInFlight = Math.max(peakInFlight, inFlight);
    peakQueued = Math.max(peakQueued, queued);
    String row =
        String.format(
            Locale.ROOT,
            "%.1f,%d,%.2f,%.0f,%.0f,%d,%d,%d",
            (System.nanoTime() - start) / 1e9,
            outcomes,
            cpu,
            inFlight,
            queued,
            simRunning,
            simQueued,
            simCreated);
    try {
      Files.writeString(file, row + "\n", StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.println("bench: cannot append to " + file + ": " + e.getMessage());
    }
  }

  double peakInFlight() {
    return peakInFlight;
  }

  double peakQueued() {
    return peakQueued;
  }
}
