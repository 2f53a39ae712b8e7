package dev.nimblekafka.wire;

/** The documented paths of Nimble's v1 API that this project speaks (client and simulator). */
public final class NimblePaths {
  public static final String EXTRACT = "/v1/extract";
  public static final String EXTRACT_ASYNC = "/v1/extract/async";
  public static final String EXTRACT_BATCH = "/v1/extract/batch";
  public static final String AGENTS_RUN = "/v1/agents/run";
  public static final String AGENTS_ASYNC = "/v1/agents/async";
  public static final String AGENTS_BATCH = "/v1/agents/batch";
  public static final String AGENTS = "/v1/agents";
  public static final String TASKS = "/v1/tasks";
  public static final String BATCHES = "/v1/batches";

  private NimblePaths() {}

  public static String task(String taskId) {
    return TASKS + "/" + taskId;
  }

  public static String taskResults(String taskId) {
    return TASKS + "/" + taskId + "/results";
  }

  public static String batch(String batchId) {
    return BATCHES + "/" + batchId;
  }

  public static String batchProgress(String batchId) {
    return BATCHES + "/" + batchId + "/progress";
  }
}
