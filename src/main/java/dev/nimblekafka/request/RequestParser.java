package dev.nimblekafka.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a consumed record value into an {@link ExtractionRequest}, or a {@link RequestError} that
 * names the field and the limit. Never throws for bad input. The tree built to check a request is
 * dropped once it is checked: the request keeps the value and reads its parts again when asked.
 *
 * <p>The contract: a JSON object with exactly one of {@code extract} (the body of {@code POST
 * /v1/extract/async}) or {@code agent} (the body of {@code POST /v1/agents/async}), an optional
 * string {@code request_id} and optional {@code metadata} of any JSON type; as plain JSON, or
 * framed by a Schema Registry serializer ({@link WireFrame}), on any record.
 */
public final class RequestParser {
  private final ObjectMapper json;
  private final AllowedDestinations allowed;
  private final ObjectMapper parts;

  /** A parser that allows every delivery destination. */
  public RequestParser(ObjectMapper json) {
    this(json, AllowedDestinations.anything());
  }

  /** A parser that refuses a request delivering anywhere {@code allowed} does not allow. */
  public RequestParser(ObjectMapper json, AllowedDestinations allowed) {
    this.json = json.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.allowed = allowed;
    this.parts = json.copy().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** The id a request has when it does not carry one: stable across redeliveries. */
  public static String derivedId(String topic, int partition, long offset) {
    return topic + "-" + partition + "-" + offset;
  }

  /**
   * The request a record value holds. A valid request keeps the JSON without any frame, as {@link
   * WireFrame#payload} gives it: what a state record carries and {@link #recorded} reads again.
   */
  public ParseResult parse(String topic, int partition, long offset, byte[] value) {
    String fallbackId = derivedId(topic, partition, offset);
    if (value == null || value.length == 0) {
      return invalid(fallbackId, "parse", "EMPTY_REQUEST", "the record has no value", null, null);
    }
    String cutShort = WireFrame.problem(value);
    if (cutShort != null) {
      return invalid(fallbackId, "parse", "INVALID_ENCODING", cutShort, null, null);
    }
    value = WireFrame.payload(value);
    String text = utf8(value);
    if (text == null) {
      return invalid(
          fallbackId,
          "parse",
          "INVALID_ENCODING",
          "the record value is not UTF-8 text",
          null,
          null);
    }
    JsonNode root;
    try {
      // from the decoded text, so no other encoding (UTF-16 ASCII is valid UTF-8) is guessed
      root = json.readTree(text);
    } catch (JsonProcessingException e) {
      return invalid(
          fallbackId,
          "parse",
          "INVALID_JSON",
          "the record value is not JSON: " + brief(e),
          null,
          null);
    }
    if (root == null || !root.isObject()) {
      return invalid(
          fallbackId, "parse", "INVALID_JSON", "the request must be a JSON object", null, null);
    }
    String unreadable = JsonShape.problem(root);
    if (unreadable != null) {
      JsonNode id = root.get("request_id");
      String known = readableId(id) ? id.asText() : fallbackId;
      return invalid(known, "parse", "INVALID_JSON", unreadable, null, null);
    }
    JsonNode metadata = root.get("metadata");
    String requestId = fallbackId;
    try {
      JsonNode id = root.get("request_id");
      if (id != null && !id.isNull()) {
        if (!id.isTextual()) {
          throw new Violation("INVALID_FIELD", "request_id", null, "request_id must be a string");
        }
        RequestValidator.requestId(id.asText());
        requestId = id.asText();
      }
      JsonNode extract = root.get("extract");
      JsonNode agent = root.get("agent");
      boolean hasExtract = extract != null && !extract.isNull();
      boolean hasAgent = agent != null && !agent.isNull();
      if (hasExtract == hasAgent) {
        throw new Violation(
            hasExtract ? "AMBIGUOUS_REQUEST" : "MISSING_FIELD",
            "extract|agent",
            null,
            "a request must have exactly one of extract or agent but has "
                + (hasExtract ? "both" : "neither"));
      }
      String field = hasExtract ? "extract" : "agent";
      JsonNode body = hasExtract ? extract : agent;
      if (!body.isObject()) {
        throw new Violation("INVALID_FIELD", field, null, field + " must be a JSON object");
      }
      ObjectNode object = (ObjectNode) body;
      if (hasExtract) {
        RequestValidator.extract(object, allowed);
      } else {
        RequestValidator.agent(object, allowed);
      }
      return new ParseResult.Valid(
          ExtractionRequest.of(
              requestId,
              hasExtract ? Kind.EXTRACT : Kind.AGENT,
              StorageDelivery.from(object),
              value,
              parts));
    } catch (Violation v) {
      return invalid(requestId, "validate", v.code, v.getMessage(), v.field, v.limit, metadata);
    }
  }

  /**
   * The request a state record carries, validated when it was consumed: read again without checking
   * it a second time. Like a parsed request it keeps the bytes, not their tree.
   *
   * @throws IllegalArgumentException when the bytes are not such a request
   */
  public ExtractionRequest recorded(String requestId, Kind kind, byte[] value) {
    JsonNode root;
    try {
      root = json.readTree(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("the recorded request of " + requestId + " is unreadable");
    }
    JsonNode body = root == null ? null : root.get(kind.wire());
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException(
          "the recorded request of " + requestId + " has no " + kind.wire() + " object");
    }
    return ExtractionRequest.of(
        requestId, kind, StorageDelivery.from((ObjectNode) body), value, parts);
  }

  private static ParseResult invalid(
      String id, String stage, String code, String message, String field, Object limit) {
    return invalid(id, stage, code, message, field, limit, null);
  }

  private static ParseResult invalid(
      String id,
      String stage,
      String code,
      String message,
      String field,
      Object limit,
      JsonNode metadata) {
    return new ParseResult.Invalid(
        new RequestError(id, stage, code, message, field, limit, metadata));
  }

  /** Whether a request id can name a failure: a string the request id rules accept. */
  private static boolean readableId(JsonNode id) {
    if (id == null || !id.isTextual() || JsonShape.problem(id) != null) {
      return false;
    }
    try {
      RequestValidator.requestId(id.asText());
      return true;
    } catch (Violation v) {
      return false;
    }
  }

  /** The bytes as strict UTF-8 text, or null when they are not UTF-8. */
  public static String utf8(byte[] value) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String brief(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "unreadable";
    }
    message = message.replaceAll("[\\r\\n]+", " ");
    return message.length() > 200 ? message.substring(0, 200) + "…" : message;
  }
}
