package dev.nimblekafka.publish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.request.Placement;
import dev.nimblekafka.request.RequestHeaders;

/**
 * Everything a result record says besides the request's own fields.
 *
 * @param requestId the request's id
 * @param taskId Nimble's task id
 * @param kind extract or agent
 * @param attempts tasks created for the request
 * @param submittedAt when the successful task was created (epoch ms)
 * @param completedAt when the worker saw it complete (epoch ms)
 * @param metadata the request's metadata, echoed (null when absent)
 * @param result the raw JSON body of {@code GET /v1/tasks/{id}/results}, or null
 * @param resultLocation where Nimble stored the result (cloud delivery), or null
 * @param storageType s3 or gs when {@code resultLocation} is set
 * @param headers the request record's headers the result carries back (never null)
 * @param placement the request's tenant and priority (null: not written)
 */
public record Completion(
    String requestId,
    String taskId,
    String kind,
    int attempts,
    long submittedAt,
    long completedAt,
    JsonNode metadata,
    byte[] result,
    String resultLocation,
    String storageType,
    RequestHeaders headers,
    Placement placement) {

  public Completion {
    headers = headers == null ? RequestHeaders.NONE : headers;
  }

  /** A completion that names no tenant or priority. */
  public Completion(
      String requestId,
      String taskId,
      String kind,
      int attempts,
      long submittedAt,
      long completedAt,
      JsonNode metadata,
      byte[] result,
      String resultLocation,
      String storageType,
      RequestHeaders headers) {
    this(
        requestId,
        taskId,
        kind,
        attempts,
        submittedAt,
        completedAt,
        metadata,
        result,
        resultLocation,
        storageType,
        headers,
        null);
  }

  /** A completion of a request record without headers. */
  public Completion(
      String requestId,
      String taskId,
      String kind,
      int attempts,
      long submittedAt,
      long completedAt,
      JsonNode metadata,
      byte[] result,
      String resultLocation,
      String storageType) {
    this(
        requestId,
        taskId,
        kind,
        attempts,
        submittedAt,
        completedAt,
        metadata,
        result,
        resultLocation,
        storageType,
        RequestHeaders.NONE);
  }
}
