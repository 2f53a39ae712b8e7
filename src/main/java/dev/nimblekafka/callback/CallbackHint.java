package dev.nimblekafka.callback;

import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskState;

/**
 * Nimble said a task ended. Only a hint: a callback reporting success sends the owner straight to
 * the results (the authenticated results call is the check); any other is checked with Nimble.
 *
 * @param partition the requests partition that owns the task
 * @param scope the request id, or the batch nonce, the callback URL was made for
 * @param taskId the task id from the callback's body
 * @param task what the body said of the task (its state, its times), or null when it said nothing
 */
public record CallbackHint(int partition, String scope, String taskId, TaskInfo task) {

  /** A hint naming only the task. */
  public CallbackHint(int partition, String scope, String taskId) {
    this(partition, scope, taskId, null);
  }

  /** Whether the callback said the task succeeded. */
  public boolean reportsSuccess() {
    return task != null && task.wireState() != null && task.state() == TaskState.SUCCEEDED;
  }
}
