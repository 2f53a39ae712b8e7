package dev.nimblekafka.worker;

import dev.nimblekafka.http.Health;
import java.util.Locale;

/** The worker's status as the admin port's health endpoints show it. */
final class WorkerHealth implements Health {
  private final WorkerStatus status;

  WorkerHealth(WorkerStatus status) {
    this.status = status;
  }

  @Override
  public boolean live() {
    return status.live();
  }

  @Override
  public boolean ready() {
    return status.ready();
  }

  @Override
  public String details() {
    PauseReason pause = status.pauseReason();
    return "\"live\":"
        + status.live()
        + ",\"ready\":"
        + status.ready()
        + ",\"partitions\":"
        + status.assignedPartitions()
        + ",\"restoring\":"
        + status.restoringPartitions()
        + ",\"queued\":"
        + status.queued()
        + ",\"in_flight\":"
        + status.slotsUsed()
        + ",\"at_risk\":"
        + status.atRisk()
        + ",\"paused\":"
        + (pause == null ? "null" : "\"" + pause.code() + "\"")
        + ",\"pause_detail\":"
        + (status.pauseDetail() == null ? "null" : quote(status.pauseDetail()))
        + key(status.key());
  }

  /** The pod's share of the Nimble key, as {@code ,"key":{...}}. */
  private static String key(WorkerStatus.KeyView key) {
    if (key == null) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        ",\"key\":{\"calls_per_second\":%.2f,\"tasks\":%d,\"pods\":%d,\"slowdown\":%.2f}",
        key.callsPerSecond(),
        key.tasks(),
        key.pods(),
        key.slowdown());
  }

  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
