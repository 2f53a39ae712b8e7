package dev.nimblekafka.nimble;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of {@code GET /v1/tasks}: the account's tasks, newest first as Nimble lists them, each
 * with the input it was created from.
 *
 * @param nextCursor where the next page starts, or null on the last page
 */
public record TaskPage(List<Listed> tasks, String nextCursor) {

  /** A listed task: what the worker reads of it, and its input as submitted. */
  public record Listed(TaskInfo info, JsonNode input) {}

  static TaskPage from(JsonNode body) {
    List<Listed> tasks = new ArrayList<>();
    for (JsonNode task : body.path("data")) {
      tasks.add(new Listed(TaskInfo.fromTask(task), task.path("input")));
    }
    JsonNode next = body.path("pagination").path("next_cursor");
    return new TaskPage(tasks, next.isTextual() && !next.asText().isEmpty() ? next.asText() : null);
  }
}
