package dev.nimblekafka.config;

import java.time.Duration;

/**
 * How pending tasks are tracked.
 *
 * @param maxPending most tasks pending at Nimble for this worker; requests wait beyond it
 * @param maxAttempts tasks created per request at most (a failed task is resubmitted)
 * @param expectedDuration the task duration assumed before any has been observed
 * @param pollMinInterval shortest wait between two status checks of one task
 * @param pollMaxInterval longest wait between two status checks of one task
 * @param retention a task older than this is reported as expired (Nimble keeps tasks 24-48 h)
 * @param maxResultBytes largest result published inline; larger ones become RESULT_TOO_LARGE
 * @param accessRecheckInterval how often to try again after a 401/402
 * @param maxPendingBytes bytes of requests held at most (fetching pauses at it; a single larger
 *     request is still taken, alone)
 */
public record TaskConfig(
    int maxPending,
    int maxAttempts,
    Duration expectedDuration,
    Duration pollMinInterval,
    Duration pollMaxInterval,
    Duration retention,
    long maxResultBytes,
    Duration accessRecheckInterval,
    long maxPendingBytes) {}
