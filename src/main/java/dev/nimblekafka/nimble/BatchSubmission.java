package dev.nimblekafka.nimble;

import java.util.List;

/**
 * The answer to a batch submission: one task per input, in the order of the inputs.
 *
 * @param batchId Nimble's batch id
 * @param tasks the created tasks, in input order
 */
public record BatchSubmission(String batchId, List<TaskInfo> tasks) {}
