package dev.nimblekafka.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A valid request, as consumed.
 *
 * @param requestId the caller's id, or {@code <topic>-<partition>-<offset>} when absent
 * @param kind extract or agent
 * @param body the Nimble request body, passed through as given (unknown fields included)
 * @param metadata the caller's metadata, echoed in the outcome (null when absent)
 * @param delivery where Nimble delivers the result itself, if the request asked for it
 */
public record ExtractionRequest(
    String requestId, Kind kind, ObjectNode body, JsonNode metadata, StorageDelivery delivery) {}
