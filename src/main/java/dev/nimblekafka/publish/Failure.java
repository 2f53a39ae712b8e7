package dev.nimblekafka.publish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.request.Placement;

/**
 * Everything a failure record says.
 *
 * @param requestId the request's id (given or derived)
 * @param idDerived whether the record gave no readable {@code request_id} (the id is {@code
 *     <topic>-<partition>-<offset>}); the failure is then keyed by the record's own key, if any
 * @param taskId Nimble's task id, when one existed
 * @param stage parse, validate, submit, task or results
 * @param code a stable code (e.g. INVALID_JSON, LIMIT_EXCEEDED, TASK_FAILED, TASK_EXPIRED)
 * @param message human-readable, names the field and the limit where there is one
 * @param httpStatus Nimble's HTTP status, when the failure came from Nimble
 * @param details structured details (Nimble's validation errors, the field and limit...)
 * @param attempts tasks created for the request
 * @param metadata the request's metadata, echoed (null when absent or unreadable)
 * @param source the request record
 * @param exceptionClass the error class, for dead-letter tooling
 * @param placement the request's tenant and priority (null when unknown: not written)
 */
public record Failure(
    String requestId,
    boolean idDerived,
    String taskId,
    String stage,
    String code,
    String message,
    Integer httpStatus,
    JsonNode details,
    int attempts,
    JsonNode metadata,
    RequestRecord source,
    String exceptionClass,
    Placement placement) {

  /** A failure that names no tenant or priority. */
  public Failure(
      String requestId,
      boolean idDerived,
      String taskId,
      String stage,
      String code,
      String message,
      Integer httpStatus,
      JsonNode details,
      int attempts,
      JsonNode metadata,
      RequestRecord source,
      String exceptionClass) {
    this(
        requestId,
        idDerived,
        taskId,
        stage,
        code,
        message,
        httpStatus,
        details,
        attempts,
        metadata,
        source,
        exceptionClass,
        null);
  }

  /** The same failure with a shorter message and smaller details (to fit the topic). */
  Failure shrunk(String shorterMessage, JsonNode smallerDetails) {
    return new Failure(
        requestId,
        idDerived,
        taskId,
        stage,
        code,
        shorterMessage,
        httpStatus,
        smallerDetails,
        attempts,
        metadata,
        source,
        exceptionClass,
        placement);
  }
}
