package dev.nimblekafka.task;

import dev.nimblekafka.request.Kind;

/**
 * One request the worker is responsible for, from consumption to outcome. Owned and mutated only by
 * the consume loop's thread.
 */
public final class PendingTask {
  private final String requestId;
  private final int partition;
  private final long sourceOffset;
  private final Kind kind;
  private final byte[] request;
  private TaskPhase phase;
  private String taskId;
  private int attempts;
  private long submittedAt;
  private long firstSubmittedAt;
  private int checks;
  private long dueAt;
  private boolean offsetOpen;
  private boolean callback;
  private String hintedTaskId;
  private long completedAt;
  private long queuedAt;
  private boolean alone;

  private PendingTask(
      String requestId, int partition, long sourceOffset, Kind kind, byte[] request) {
    this.requestId = requestId;
    this.partition = partition;
    this.sourceOffset = sourceOffset;
    this.kind = kind;
    this.request = request;
  }

  /** A request just consumed: its offset stays open until its task id is durably recorded. */
  public static PendingTask consumed(
      String requestId, int partition, long offset, Kind kind, byte[] request) {
    PendingTask task = new PendingTask(requestId, partition, offset, kind, request);
    task.phase = TaskPhase.QUEUED;
    task.offsetOpen = true;
    return task;
  }

  /** A task read back from the state topic: Nimble already has it. */
  public static PendingTask restored(StoredTask stored, int partition) {
    PendingTask task =
        new PendingTask(
            stored.requestId(), partition, stored.sourceOffset(), stored.kind(), stored.request());
    // a request recorded before its task was created waits to be submitted
    task.phase = stored.taskId() == null ? TaskPhase.QUEUED : TaskPhase.WAITING;
    task.taskId = stored.taskId();
    task.attempts = stored.attempts();
    task.submittedAt = stored.submittedAt();
    task.firstSubmittedAt = stored.firstSubmittedAt();
    task.callback = stored.callback();
    return task;
  }

  public void moveTo(TaskPhase next) {
    phase = phase.moveTo(next);
  }

  /** Nimble created a task for this request. */
  public void submitted(String newTaskId, long now) {
    moveTo(TaskPhase.WAITING);
    taskId = newTaskId;
    attempts++;
    submittedAt = now;
    if (firstSubmittedAt == 0) {
      firstSubmittedAt = now;
    }
    checks = 0;
  }

  /** The offset of this request may now be committed (its state or outcome is written). */
  public boolean closeOffset() {
    boolean wasOpen = offsetOpen;
    offsetOpen = false;
    return wasOpen;
  }

  public StoredTask toStored(String sourceTopic) {
    return new StoredTask(
        requestId,
        taskId,
        kind,
        attempts,
        submittedAt,
        firstSubmittedAt,
        sourceTopic,
        sourceOffset,
        request,
        callback);
  }

  /** When the request last joined the submission queue (epoch ms). */
  public long queuedAt() {
    return queuedAt;
  }

  public void queuedAt(long at) {
    queuedAt = at;
  }

  /** Submit this one on its own (its batch was refused as a whole). */
  public boolean alone() {
    return alone;
  }

  public void alone(boolean value) {
    alone = value;
  }

  /** When Nimble finished the task (epoch ms), once a status check said so. */
  public long completedAt() {
    return completedAt;
  }

  public void completedAt(long at) {
    completedAt = at;
  }

  /** Whether Nimble will call the worker back for the current task. */
  public boolean callback() {
    return callback;
  }

  public void callback(boolean value) {
    callback = value;
  }

  /**
   * A callback named this task id before the worker could act on it (the task was being submitted
   * or checked); the next step checks again at once instead of waiting.
   */
  public void hinted(String taskId) {
    hintedTaskId = taskId;
  }

  /** Takes a pending hint for {@code taskId}, if there is one. */
  public boolean takeHint(String taskId) {
    boolean match = hintedTaskId != null && hintedTaskId.equals(taskId);
    if (match) {
      hintedTaskId = null;
    }
    return match;
  }

  public String requestId() {
    return requestId;
  }

  public int partition() {
    return partition;
  }

  public long sourceOffset() {
    return sourceOffset;
  }

  public Kind kind() {
    return kind;
  }

  public byte[] request() {
    return request;
  }

  public TaskPhase phase() {
    return phase;
  }

  public String taskId() {
    return taskId;
  }

  public int attempts() {
    return attempts;
  }

  public long submittedAt() {
    return submittedAt;
  }

  public long firstSubmittedAt() {
    return firstSubmittedAt;
  }

  public int checks() {
    return checks;
  }

  public void countCheck() {
    checks++;
  }

  public long dueAt() {
    return dueAt;
  }

  public void dueAt(long at) {
    dueAt = at;
  }

  public boolean offsetOpen() {
    return offsetOpen;
  }

  @Override
  public String toString() {
    return "PendingTask[" + requestId + ", " + taskId + ", " + phase.code() + "]";
  }
}
