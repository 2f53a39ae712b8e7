package dev.nimblekafka.callback;

/**
 * Nimble said a task ended. Only a hint: the owner checks the task's status with Nimble before it
 * acts on it.
 *
 * @param partition the requests partition that owns the task
 * @param scope the request id, or the batch nonce, the callback URL was made for
 * @param taskId the task id from the callback's body
 */
public record CallbackHint(int partition, String scope, String taskId) {}
