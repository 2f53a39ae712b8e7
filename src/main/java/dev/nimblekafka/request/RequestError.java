package dev.nimblekafka.request;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Why a consumed record cannot become a Nimble task.
 *
 * @param requestId the id (given or derived)
 * @param stage {@code parse} (not a JSON object) or {@code validate} (breaks a documented limit)
 * @param code a stable code such as {@code INVALID_JSON} or {@code LIMIT_EXCEEDED}
 * @param message names the field and the limit
 * @param field the offending field's path, e.g. {@code extract.url}, or null
 * @param limit the limit broken, or null
 * @param metadata the request's metadata when it could be read, else null
 */
public record RequestError(
    String requestId,
    String stage,
    String code,
    String message,
    String field,
    Object limit,
    JsonNode metadata) {}
