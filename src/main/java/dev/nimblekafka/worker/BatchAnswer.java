package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.nimble.BatchSubmission;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.task.PendingTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which created task of a batch answer belongs to which request. Each task echoes its input, and
 * the input carries the request's tag (its mark, unique to one consumption): a task is a request's
 * when it carries the request's tag, wherever it stands in the answer. Among tasks carrying the
 * same tag (requests with a tag of their own), the one whose input is the body sent is taken first,
 * then input order. Only an answer whose tasks echo no tag at all is read by position, as Nimble
 * documents the order (one task per input, in input order), and only when it has exactly one task
 * per input. Every task of the answer was created by this call, so no age check is needed here.
 */
final class BatchAnswer {
  private BatchAnswer() {}

  /**
   * The task of each request the batch was sent for (all of them, in the order sent); none where no
   * task proves to be its own.
   *
   * @param sent the body sent for a request (with its mark)
   */
  static Map<PendingTask, TaskInfo> match(
      List<PendingTask> tasks, BatchSubmission answer, Function<PendingTask, JsonNode> sent) {
    Map<PendingTask, TaskInfo> found = new IdentityHashMap<>();
    if (!echoesTags(answer)) {
      boolean exact = answer.tasks().size() == tasks.size();
      for (int i = 0; i < tasks.size(); i++) {
        TaskInfo info = exact ? answer.tasks().get(i) : null;
        if (info != null && info.id() != null) {
          found.put(tasks.get(i), info);
        }
      }
      return found;
    }
    Map<String, List<Integer>> byTag = new HashMap<>();
    for (int i = 0; i < answer.tasks().size(); i++) {
      TaskInfo info = answer.tasks().get(i);
      String tag = SubmissionMark.tagOf(answer.inputs().get(i));
      if (info != null && info.id() != null && tag != null) {
        byTag.computeIfAbsent(tag, t -> new ArrayList<>()).add(i);
      }
    }
    for (PendingTask task : tasks) {
      JsonNode body = sent.apply(task);
      List<Integer> candidates = byTag.getOrDefault(SubmissionMark.tagOf(body), List.of());
      int chosen = candidates.isEmpty() ? -1 : 0;
      for (int c = 0; c < candidates.size(); c++) {
        if (SubmissionMark.matches(answer.inputs().get(candidates.get(c)), body)) {
          chosen = c;
          break;
        }
      }
      if (chosen >= 0) {
        // one task answers one request
        found.put(task, answer.tasks().get(candidates.remove(chosen)));
      }
    }
    return found;
  }

  private static boolean echoesTags(BatchSubmission answer) {
    for (JsonNode input : answer.inputs()) {
      if (SubmissionMark.tagOf(input) != null) {
        return true;
      }
    }
    return false;
  }
}
