package dev.nimblekafka.nimble;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The answer to a batch submission: one task per input, in the order of the inputs as Nimble
 * documents it, each with the input it echoes (its tag tells which input it was made from).
 *
 * @param batchId Nimble's batch id
 * @param tasks the created tasks, in input order (null for an entry that is no task)
 * @param inputs the input each task echoes, at the same index (null when it echoes none)
 */
public record BatchSubmission(String batchId, List<TaskInfo> tasks, List<JsonNode> inputs) {

  public BatchSubmission {
    tasks = Collections.unmodifiableList(new ArrayList<>(tasks));
    List<JsonNode> padded = new ArrayList<>(inputs);
    while (padded.size() < tasks.size()) {
      padded.add(null);
    }
    inputs = Collections.unmodifiableList(padded);
  }

  /** An answer whose tasks echo no input. */
  public BatchSubmission(String batchId, List<TaskInfo> tasks) {
    this(batchId, tasks, List.of());
  }
}
