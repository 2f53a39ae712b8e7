package dev.nimblekafka.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Once-a-second samples of a run (outcomes so far, worker CPU, what the worker and the simulator
 * hold), written as CSV next to the logs: the evidence when a run stalls.
 */
final class Timeline {
  static final String HEADER =
      "seconds,outcomes,worker_cpu_s,worker_in_flight,worker_queued,sim_running,sim_queued,sim_tasks_created";

  private final long start = System.nanoTime();
  private final List<String> rows = new ArrayList<>();
  private double peakInFlight;
  private double peakQueued;

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
    rows.add(
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
            simCreated));
  }

  double peakInFlight() {
    return peakInFlight;
  }

  double peakQueued() {
    return peakQueued;
  }

  void write(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    lines.addAll(rows);
    Files.write(file, lines);
  }
}
