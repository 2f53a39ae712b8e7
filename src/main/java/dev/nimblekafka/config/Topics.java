package dev.nimblekafka.config;

/**
 * The topics the worker reads and writes.
 *
 * @param requests extraction requests (consumed)
 * @param results completed results (produced, key = request id)
 * @param failures failures, dead-letter style (produced, key = request id when known)
 * @param state the compacted store of pending tasks, partition-aligned with {@code requests}
 * @param callbacks hints from Nimble callbacks, handed to the pod that owns the request
 */
public record Topics(
    String requests, String results, String failures, String state, String callbacks) {}
