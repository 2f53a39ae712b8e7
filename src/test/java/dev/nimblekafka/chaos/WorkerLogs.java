package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the workers' JSON logs ({@code LOG_FORMAT=json}) after a run for what the driver cannot see
 * from outside: failed commits, rebalances, submissions answered after their partition moved.
 */
final class WorkerLogs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WorkerLogs() {}

  /** Adds the log's notable lines of worker {@code worker} (0-based) to the timeline. */
  static void addTo(Timeline timeline, Path log, int worker) {
    String name = "worker-" + (worker + 1);
    try (Stream<String> lines = Files.lines(log)) {
      lines
          .filter(line -> line.startsWith("{"))
          .forEach(
              line -> {
                JsonNode entry;
                try {
                  entry = JSON.readTree(line);
                } catch (IOException e) {
                  return; // a line cut short by SIGKILL
                }
                String message = entry.path("formattedMessage").asText("");
                Instant at = Instant.ofEpochMilli(entry.path("timestamp").asLong());
                if (message.startsWith("Commit failed")) {
                  timeline.addAt(at, Timeline.Kind.COMMIT_FAILED, worker, name + ": " + message);
                } else if (message.startsWith("Lost ")) {
                  timeline.addAt(at, Timeline.Kind.REBALANCE, worker, name + ": " + message);
                } else if (message.startsWith("Assigned ")) {
                  timeline.addAt(at, Timeline.Kind.ASSIGNED, worker, name + ": " + message);
                } else if (message.startsWith("Revoked ")) {
                  timeline.addAt(at, Timeline.Kind.REBALANCE, worker, name + ": " + message);
                } else if (message.contains("after its partition moved")) {
                  timeline.addAt(at, Timeline.Kind.NOTE, worker, name + ": " + message);
                } else if (message.startsWith("The consume loop died")) {
                  timeline.addAt(at, Timeline.Kind.WORKER_EXIT, worker, name + ": " + message);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + log, e);
    }
  }

  static void addAll(Timeline timeline, List<Path> logs) {
    for (int i = 0; i < logs.size(); i++) {
      if (Files.exists(logs.get(i))) {
        addTo(timeline, logs.get(i), i);
      }
    }
  }
}
