package dev.nimblekafka.task;

import dev.nimblekafka.request.Kind;
import dev.nimblekafka.request.RequestHeaders;

/**
 * A pending task as kept in the state topic (key = request id, value = this, JSON; a tombstone ends
 * it).
 *
 * @param requestId the request's id
 * @param taskId Nimble's task id
 * @param kind extract or agent
 * @param attempts tasks created so far for this request
 * @param submittedAt when the current task was created (epoch ms)
 * @param firstSubmittedAt when the first task was created (epoch ms)
 * @param sourceTopic the requests topic
 * @param sourceOffset the request record's offset
 * @param request the request record's value (JSON)
 * @param callback whether Nimble will call the worker back when the task ends
 * @param requestKey the request record's key, or null when it had none
 * @param headers the request record's headers its outcome carries (never null)
 * @param batchId the Nimble batch the current task was created in, or null (checked through it)
 * @param crawl how far a crawl's pages are published, or null (not a crawl, or not created yet)
 */
public record StoredTask(
    String requestId,
    String taskId,
    Kind kind,
    int attempts,
    long submittedAt,
    long firstSubmittedAt,
    String sourceTopic,
    long sourceOffset,
    byte[] request,
    boolean callback,
    byte[] requestKey,
    RequestHeaders headers,
    String batchId,
    CrawlProgress.Saved crawl) {

  public StoredTask {
    headers = headers == null ? RequestHeaders.NONE : headers;
  }

  /** A stored task that is no crawl. */
  public StoredTask(
      String requestId,
      String taskId,
      Kind kind,
      int attempts,
      long submittedAt,
      long firstSubmittedAt,
      String sourceTopic,
      long sourceOffset,
      byte[] request,
      boolean callback,
      byte[] requestKey,
      RequestHeaders headers,
      String batchId) {
    this(
        requestId,
        taskId,
        kind,
        attempts,
        submittedAt,
        firstSubmittedAt,
        sourceTopic,
        sourceOffset,
        request,
        callback,
        requestKey,
        headers,
        batchId,
        null);
  }

  /** A stored task not created in a batch. */
  public StoredTask(
      String requestId,
      String taskId,
      Kind kind,
      int attempts,
      long submittedAt,
      long firstSubmittedAt,
      String sourceTopic,
      long sourceOffset,
      byte[] request,
      boolean callback,
      byte[] requestKey,
      RequestHeaders headers) {
    this(
        requestId,
        taskId,
        kind,
        attempts,
        submittedAt,
        firstSubmittedAt,
        sourceTopic,
        sourceOffset,
        request,
        callback,
        requestKey,
        headers,
        null);
  }

  /** A stored task of a request record without headers. */
  public StoredTask(
      String requestId,
      String taskId,
      Kind kind,
      int attempts,
      long submittedAt,
      long firstSubmittedAt,
      String sourceTopic,
      long sourceOffset,
      byte[] request,
      boolean callback,
      byte[] requestKey) {
    this(
        requestId,
        taskId,
        kind,
        attempts,
        submittedAt,
        firstSubmittedAt,
        sourceTopic,
        sourceOffset,
        request,
        callback,
        requestKey,
        RequestHeaders.NONE);
  }
}
