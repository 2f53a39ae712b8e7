package dev.nimblekafka.request;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A valid request. As the parser hands it out it keeps no JSON tree: only its id, kind and delivery
 * options, and the record value it was read from; {@link #body()} and {@link #metadata()} read
 * their part of that value again each time they are asked (the body when the request is submitted,
 * the metadata when its outcome is written), so a held request costs its bytes once.
 */
public final class ExtractionRequest {
  private final String requestId;
  private final Kind kind;
  private final StorageDelivery delivery;
  private final Placement placement;
  private final ObjectNode body;
  private final JsonNode metadata;
  private final byte[] value;
  private final ObjectMapper json;

  /**
   * A request given as trees (held as they are).
   *
   * @param requestId the caller's id, or {@code <topic>-<partition>-<offset>} when absent
   * @param kind extract or agent
   * @param body the Nimble request body, passed through as given (unknown fields included)
   * @param metadata the caller's metadata, echoed in the outcome (null when absent)
   * @param delivery where Nimble delivers the result itself, if the request asked for it
   */
  public ExtractionRequest(
      String requestId, Kind kind, ObjectNode body, JsonNode metadata, StorageDelivery delivery) {
    this(requestId, kind, delivery, Placement.DEFAULT, body, metadata, null, null);
  }

  private ExtractionRequest(
      String requestId,
      Kind kind,
      StorageDelivery delivery,
      Placement placement,
      ObjectNode body,
      JsonNode metadata,
      byte[] value,
      ObjectMapper json) {
    this.requestId = requestId;
    this.kind = kind;
    this.delivery = delivery;
    this.placement = placement;
    this.body = body;
    this.metadata = metadata;
    this.value = value;
    this.json = json;
  }

  /** A request read from {@code value}, already checked: its parts are read again when asked. */
  static ExtractionRequest of(
      String requestId,
      Kind kind,
      StorageDelivery delivery,
      Placement placement,
      byte[] value,
      ObjectMapper json) {
    return new ExtractionRequest(requestId, kind, delivery, placement, null, null, value, json);
  }

  public String requestId() {
    return requestId;
  }

  public Kind kind() {
    return kind;
  }

  /** The Nimble request body, passed through as given; a new tree at each call of a read one. */
  public ObjectNode body() {
    if (value == null) {
      return body;
    }
    JsonNode found = field(kind.wire());
    if (found == null || !found.isObject()) {
      throw new IllegalStateException("the request " + requestId + " has no " + kind.wire());
    }
    return (ObjectNode) found;
  }

  /** The caller's metadata, echoed in the outcome (null when absent). */
  public JsonNode metadata() {
    return value == null ? metadata : field("metadata");
  }

  /** Whose the request is and how urgent (tenant {@code default}, normal, when it says nothing). */
  public Placement placement() {
    return placement;
  }

  /** Where Nimble delivers the result itself, if the request asked for it (else null). */
  public StorageDelivery delivery() {
    return delivery;
  }

  /** One top-level field of the value as a tree, the others skipped without building theirs. */
  private JsonNode field(String name) {
    try (JsonParser parser = json.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String current = parser.currentName();
        parser.nextToken();
        if (current.equals(name)) {
          return json.readTree(parser);
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("the request " + requestId + " cannot be read again", e);
    }
  }

  @Override
  public String toString() {
    return "ExtractionRequest[" + requestId + ", " + kind.wire() + "]";
  }
}
