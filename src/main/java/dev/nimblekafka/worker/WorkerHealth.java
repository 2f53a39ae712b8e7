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
        + ",\"held_bytes\":"
        + status.heldBytes()
        + heldBack(status.heldBack())
        + key(status.key());
  }

  /** Partitions held back and why, as {@code ,"held_back":{"3":"..."}}; nothing when none is. */
  private static String heldBack(java.util.Map<Integer, String> partitions) {
    if (partitions.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(",\"held_back\":{");
    partitions.forEach(
        (p, why) -> out.append(out.length() > 13 ? "," : "").append("\"" + p + "\":" + quote(why)));
    return out.append('}').toString();
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
