package dev.nimblekafka.publish;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything a failure record says.
 *
 * @param requestId the request's id (given or derived)
 * @param taskId Nimble's task id, when one existed
 * @param stage parse, validate, submit, task or results
 * @param code a stable code (e.g. INVALID_JSON, LIMIT_EXCEEDED, TASK_FAILED, TASK_EXPIRED)
 * @param message human-readable, names the field and the limit where there is one
 * @param httpStatus Nimble's HTTP status, when the failure came from Nimble
 * @param details structured details (Nimble's validation errors, the field and limit...)
 * @param attempts tasks created for the request
 * @param request the original record value
 * @param sourceTopic where the request came from
 * @param sourcePartition its partition
 * @param sourceOffset its offset
 * @param exceptionClass the error class, for dead-letter tooling
 */
public record Failure(
    String requestId,
    String taskId,
    String stage,
    String code,
    String message,
    Integer httpStatus,
    JsonNode details,
    int attempts,
    byte[] request,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    String exceptionClass) {}
