package dev.nimblekafka.callback;

import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskState;
import java.util.List;

/**
 * Nimble said a task ended. Only a hint: a callback reporting success sends the owner straight to
 * the results (the authenticated results call is the check); any other is checked with Nimble.
 *
 * @param partitions the requests partitions one of which owns the task (its callback URL's; one, or
 *     those of a batch's requests)
 * @param scope the request id, or the batch nonce, the callback URL was made for
 * @param taskId the task id from the callback's body
 * @param task what the body said of the task (its state, its times), or null when it said nothing
 */
public record CallbackHint(List<Integer> partitions, String scope, String taskId, TaskInfo task) {

  public CallbackHint {
    partitions = List.copyOf(partitions);
  }

  /** A hint for a task of one partition. */
  public CallbackHint(int partition, String scope, String taskId, TaskInfo task) {
    this(List.of(partition), scope, taskId, task);
  }

  /** A hint naming only the task. */
  public CallbackHint(int partition, String scope, String taskId) {
    this(partition, scope, taskId, null);
  }

  /** The same hint, for {@code these} of its partitions. */
  public CallbackHint on(List<Integer> these) {
    return new CallbackHint(these, scope, taskId, task);
  }

  /** Whether the callback said the task succeeded. */
  public boolean reportsSuccess() {
    return task != null && task.wireState() != null && task.state() == TaskState.SUCCEEDED;
  }
}
