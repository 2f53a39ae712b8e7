package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.NimbleErrors;
import java.util.List;

/** Nimble's documented error bodies, and the simulator's answers where none is documented. */
final class Replies {
  static final String SERVER_ERROR_MESSAGE = "can't download the query response - please try again";
  static final String RESULTS_NOT_READY = "Task results not ready";
  static final String RESULTS_OF_FAILED_TASK = "Task failed, no results";
  static final String FORBIDDEN_MESSAGE = "Account blocked or pipeline not activated";

  private Replies() {}

  /** 400 {@code {status, msg, error, details:{schema_validation_errors:[...]}}}. */
  static Reply badRequest(List<SchemaError> errors) {
    ObjectNode body = failed();
    body.put("msg", "Invalid request parameters");
    body.put("error", NimbleErrors.SCHEMA_VALIDATION_ERROR);
    ArrayNode list = body.putObject("details").putArray("schema_validation_errors");
    errors.forEach(e -> list.add(e.toJson()));
    return Reply.json(400, body);
  }

  /** 401: the key is missing or wrong (Nimble documents the status, not the body). */
  static Reply unauthorized() {
    return Reply.json(401, failed().put("msg", "Unauthorized"))
        .withHeader("WWW-Authenticate", "Bearer");
  }

  /** 402 with one of the four documented messages. */
  static Reply paymentRequired(String message) {
    return Reply.json(402, failed().put("msg", message));
  }

  /**
   * 403 {@code {"status":"failed","msg":"Account blocked or pipeline not activated"}}: the message
   * Nimble documents for 403, in the envelope of its other refusals (401, 402).
   */
  static Reply forbidden() {
    return Reply.json(403, failed().put("msg", FORBIDDEN_MESSAGE));
  }

  /** 404 {@code {"status":"failed","msg":"Agent not found"}}. */
  static Reply agentNotFound() {
    return Reply.json(404, failed().put("msg", NimbleErrors.AGENT_NOT_FOUND));
  }

  /** 404 {@code {"status":"failed","msg":"Template not found"}}: v2's agent not found. */
  static Reply templateNotFound() {
    return Reply.json(404, failed().put("msg", NimbleErrors.TEMPLATE_NOT_FOUND));
  }

  /** The 404 for an unknown agent (v1) or template (v2). */
  static Reply agentNotFound(dev.nimblekafka.wire.ApiVersion version) {
    return version == dev.nimblekafka.wire.ApiVersion.V1 ? agentNotFound() : templateNotFound();
  }

  /** 404 {@code {"status":"failed","error":"Task not found"}}. */
  static Reply taskNotFound() {
    return Reply.json(404, failed().put("error", NimbleErrors.TASK_NOT_FOUND));
  }

  /** 404 {@code {"status":"failed","error":"Batch not found"}}. */
  static Reply batchNotFound() {
    return Reply.json(404, failed().put("error", NimbleErrors.BATCH_NOT_FOUND));
  }

  /** 404 for results asked before the task finished (undocumented; see {@link ApiHandler}). */
  static Reply resultsNotReady(String taskId, String state) {
    return Reply.json(
        404, failed().put("error", RESULTS_NOT_READY).put("task_id", taskId).put("state", state));
  }

  /** 404 for results of a failed task (undocumented; see {@link ApiHandler}). */
  static Reply resultsOfFailedTask(String taskId, String state, String error) {
    return Reply.json(
        404,
        failed()
            .put("error", RESULTS_OF_FAILED_TASK)
            .put("task_id", taskId)
            .put("state", state)
            .put("task_error", error));
  }

  /** 429 over the per-key rate: the OpenAPI body {@code {"status":"failed","msg":...}}. */
  static Reply rateLimited() {
    return Reply.json(429, failed().put("msg", NimbleErrors.RATE_LIMITED));
  }

  /**
   * 429 during a storm: the introduction page's body {@code {"error":{"code":
   * "RATE_LIMIT_EXCEEDED","message":...,"retry_after":N}}} and a {@code Retry-After: N} header, N
   * in whole seconds.
   */
  static Reply storm(long retryAfterSeconds, int limit) {
    ObjectNode body = Json.object();
    ObjectNode error = body.putObject("error");
    error.put("code", "RATE_LIMIT_EXCEEDED");
    error.put("message", "Rate limit exceeded. Current limit: " + limit + " QPS");
    error.put("retry_after", retryAfterSeconds);
    return Reply.json(429, body).withHeader("Retry-After", Long.toString(retryAfterSeconds));
  }

  /** 500 {@code {"success":"false","task_id":...,"message":...}}. */
  static Reply serverError(String taskId) {
    ObjectNode body = Json.object();
    body.put("success", "false");
    body.put("task_id", taskId);
    body.put("message", SERVER_ERROR_MESSAGE);
    return Reply.json(500, body);
  }

  /** 502 or 503 as a proxy in front of the API would send them: a small HTML page. */
  static Reply gatewayError(int status) {
    String reason = status == 502 ? "Bad Gateway" : "Service Unavailable";
    return Reply.html(
        status,
        "<html><head><title>"
            + status
            + " "
            + reason
            + "</title></head><body><center><h1>"
            + status
            + " "
            + reason
            + "</h1></center></body></html>\n");
  }

  static Reply unknownPath() {
    return Reply.json(404, failed().put("msg", "Not found"));
  }

  static Reply methodNotAllowed() {
    return Reply.json(405, failed().put("msg", "Method not allowed"));
  }

  private static ObjectNode failed() {
    return Json.object().put("status", "failed");
  }
}
