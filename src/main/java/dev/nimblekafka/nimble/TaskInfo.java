package dev.nimblekafka.nimble;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.OptionalLong;

/**
 * The parts of Nimble's task object the worker acts on, read leniently.
 *
 * @param id the task id ({@code task.id}; some pages print {@code task_id})
 * @param state the normalised state
 * @param wireState the state exactly as Nimble sent it
 * @param error the task-level error text, when failed (control characters escaped)
 * @param errorType the task-level error type, when failed (control characters escaped)
 * @param outputUrl where Nimble stored the result, when cloud delivery was asked for
 * @param createdAt Nimble's creation time (ISO-8601), if sent
 * @param modifiedAt Nimble's last-change time (ISO-8601), if sent
 */
public record TaskInfo(
    String id,
    TaskState state,
    String wireState,
    String error,
    String errorType,
    String outputUrl,
    String createdAt,
    String modifiedAt) {

  /** {@code createdAt} in epoch milliseconds, when it was sent and is a readable timestamp. */
  public OptionalLong createdAtMillis() {
    return millis(createdAt);
  }

  /** {@code modifiedAt} in epoch milliseconds, when it was sent and is a readable timestamp. */
  public OptionalLong modifiedAtMillis() {
    return millis(modifiedAt);
  }

  /** How long Nimble worked on the task by its own clock, when both timestamps are readable. */
  public OptionalLong workedMillis() {
    OptionalLong created = createdAtMillis();
    OptionalLong modified = modifiedAtMillis();
    return created.isPresent() && modified.isPresent()
        ? OptionalLong.of(modified.getAsLong() - created.getAsLong())
        : OptionalLong.empty();
  }

  private static OptionalLong millis(String timestamp) {
    return Timestamps.epochMillis(timestamp);
  }

  /** Reads a task object leniently (a callback's {@code task}, a listed task, a batch's). */
  public static TaskInfo fromTask(JsonNode task) {
    String id = text(task, "id");
    if (id == null) {
      id = text(task, "task_id");
    }
    String wire = text(task, "state");
    if (wire == null) {
      wire = text(task, "status");
    }
    return new TaskInfo(
        id,
        TaskState.fromWire(wire),
        wire,
        ErrorClassifier.escape(text(task, "error")),
        ErrorClassifier.escape(text(task, "error_type")),
        text(task, "output_url"),
        text(task, "created_at"),
        text(task, "modified_at"));
  }

  /** Reads {@code {"task": {...}}}, or a bare task object. */
  static TaskInfo fromEnvelope(JsonNode body) {
    JsonNode task = body.path("task");
    return fromTask(task.isObject() ? task : body);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }
}
