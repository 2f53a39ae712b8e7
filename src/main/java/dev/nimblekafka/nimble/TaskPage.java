package dev.nimblekafka.nimble;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Predicate;

/**
 * One page of {@code GET /v1/tasks}: the account's tasks, newest first as Nimble lists them, each
 * with the input it was created from when that input was asked for.
 *
 * @param nextCursor where the next page starts, or null on the last page
 */
public record TaskPage(List<Listed> tasks, String nextCursor) {

  /** Keeps every listed task's input. */
  static final Predicate<String> EVERY_INPUT = tag -> true;

  /**
   * A listed task: what the worker reads of it, and its input as submitted.
   *
   * @param input the input as Nimble echoed it, or null when it was not asked for
   */
  public record Listed(TaskInfo info, JsonNode input) {}

  /** A listed task, with its input only when {@code keepInputOfTag} accepts the input's tag. */
  static Listed listed(JsonNode task, Predicate<String> keepInputOfTag) {
    JsonNode input = task.path("input");
    return new Listed(TaskInfo.fromTask(task), keepInputOfTag.test(tagOf(input)) ? input : null);
  }

  /** The tag of a task's input: {@code input.tag}, or for agents {@code input.params.tag}. */
  static String tagOf(JsonNode input) {
    JsonNode tag = input.path("tag");
    if (!tag.isTextual()) {
      tag = input.path("params").path("tag");
    }
    return tag.isTextual() ? tag.asText() : null;
  }

  /** A page of these listed tasks (none when the answer had no {@code data}). */
  static TaskPage of(List<Listed> tasks, JsonNode head) {
    JsonNode next = head.path("pagination").path("next_cursor");
    return new TaskPage(
        tasks == null ? List.of() : List.copyOf(tasks),
        next.isTextual() && !next.asText().isEmpty() ? next.asText() : null);
  }
}
