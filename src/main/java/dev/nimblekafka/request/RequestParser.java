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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns a consumed record value into an {@link ExtractionRequest}, or a {@link RequestError} that
 * names the field and the limit. Never throws for bad input. The tree built to check a request is
 * dropped once it is checked: the request keeps the value and reads its parts again when asked.
 *
 * <p>The contract: a JSON object with exactly one of {@code extract} (the body of {@code POST
 * /v1/extract/async}), {@code agent} (the body of {@code POST /v1/agents/async}) or {@code serp}
 * (the body of {@code POST /v1/serp/async}), an optional string {@code request_id}, optional {@code
 * metadata} of any JSON type, and an optional {@code tenant} and {@code priority} ({@link
 * Placement}); as plain JSON, or framed by a Schema Registry serializer ({@link WireFrame}), on any
 * record.
 */
public final class RequestParser {
  /** The header a request names its tenant in by default, when its body does not. */
  public static final String TENANT_HEADER = "tenant";

  private final ObjectMapper json;
  private final AllowedDestinations allowed;
  private final String tenantHeader;
  private final ObjectMapper parts;

  /** A parser that allows every delivery destination. */
  public RequestParser(ObjectMapper json) {
    this(json, AllowedDestinations.anything());
  }

  /** A parser that refuses a request delivering anywhere {@code allowed} does not allow. */
  public RequestParser(ObjectMapper json, AllowedDestinations allowed) {
    this(json, allowed, TENANT_HEADER);
  }

  /**
   * A parser that refuses a request delivering anywhere {@code allowed} does not allow, and reads a
   * request's tenant from the header {@code tenantHeader} when its body names none.
   */
  public RequestParser(ObjectMapper json, AllowedDestinations allowed, String tenantHeader) {
    this.json = json.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.allowed = allowed;
    this.tenantHeader = tenantHeader;
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
    return parse(topic, partition, offset, value, RequestHeaders.NONE);
  }

  /** Parses a record's value; its {@code headers} may name the request's tenant and priority. */
  public ParseResult parse(
      String topic, int partition, long offset, byte[] value, RequestHeaders headers) {
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
    JsonNode cancel = root.get("cancel");
    if (cancel != null && !cancel.isNull()) {
      return cancel(fallbackId, root, cancel);
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
      Placement placement =
          Placement.of(
              text(root, "tenant", Placement::tenant),
              text(root, "priority", Placement::priority),
              headers,
              tenantHeader);
      Kind kind = kindOf(root);
      String field = kind.wire();
      JsonNode body = root.get(field);
      if (!body.isObject()) {
        throw new Violation("INVALID_FIELD", field, null, field + " must be a JSON object");
      }
      ObjectNode object = (ObjectNode) body;
      switch (kind) {
        case EXTRACT -> RequestValidator.extract(object, allowed);
        case AGENT -> RequestValidator.agent(object, allowed);
        case SERP -> RequestValidator.serp(object, allowed);
        case CRAWL -> CrawlRules.check(object, allowed);
      }
      return new ParseResult.Valid(
          ExtractionRequest.of(
              requestId,
              kind,
              kind == Kind.CRAWL ? null : StorageDelivery.from(object),
              placement,
              value,
              parts));
    } catch (Violation v) {
      return invalid(requestId, "validate", v.code, v.getMessage(), v.field, v.limit, metadata);
    }
  }

  /**
   * A cancel record: {@code cancel} names the request whose crawl ends. It carries no request of
   * its own, so a body beside it is ambiguous.
   */
  private ParseResult cancel(String fallbackId, JsonNode root, JsonNode cancel) {
    for (Kind kind : Kind.values()) {
      JsonNode body = root.get(kind.wire());
      if (body != null && !body.isNull()) {
        return invalid(
            fallbackId,
            "validate",
            "AMBIGUOUS_REQUEST",
            "a record is either a request or a cancel but has both cancel and " + kind.wire(),
            "cancel",
            null);
      }
    }
    if (!cancel.isTextual()) {
      return invalid(
          fallbackId,
          "validate",
          "INVALID_FIELD",
          "cancel must be the request_id of the request to cancel",
          "cancel",
          null);
    }
    try {
      RequestValidator.requestId(cancel.asText());
    } catch (Violation v) {
      return invalid(
          fallbackId,
          "validate",
          v.code,
          v.getMessage().replace("request_id", "cancel"),
          "cancel",
          v.limit);
    }
    return new ParseResult.Cancel(cancel.asText());
  }

  /** The one request kind whose body {@code root} carries (not null); throws naming them all. */
  private static Kind kindOf(JsonNode root) {
    List<Kind> present = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      JsonNode body = root.get(kind.wire());
      if (body != null && !body.isNull()) {
        present.add(kind);
      }
    }
    if (present.size() == 1) {
      return present.get(0);
    }
    throw new Violation(
        present.isEmpty() ? "MISSING_FIELD" : "AMBIGUOUS_REQUEST",
        "extract|agent|serp|crawl",
        null,
        "a request must have exactly one of extract, agent, serp or crawl but has "
            + (present.isEmpty()
                ? "none"
                : present.stream().map(Kind::wire).collect(Collectors.joining(" and "))));
  }

  /**
   * The request a state record carries, validated when it was consumed: read again without checking
   * it a second time. Like a parsed request it keeps the bytes, not their tree.
   *
   * @throws IllegalArgumentException when the bytes are not such a request
   */
  public ExtractionRequest recorded(String requestId, Kind kind, byte[] value) {
    return recorded(requestId, kind, value, RequestHeaders.NONE);
  }

  /**
   * As {@link #recorded(String, Kind, byte[])}, with the headers stored beside it (they may name
   * the request's tenant and priority). A placement that no longer reads (the tenant header's
   * setting changed) is the default one.
   */
  public ExtractionRequest recorded(
      String requestId, Kind kind, byte[] value, RequestHeaders headers) {
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
    Placement placement;
    try {
      placement =
          Placement.of(
              text(root, "tenant", Placement::tenant),
              text(root, "priority", Placement::priority),
              headers,
              tenantHeader);
    } catch (Violation v) {
      placement = Placement.DEFAULT;
    }
    return ExtractionRequest.of(
        requestId, kind, StorageDelivery.from((ObjectNode) body), placement, value, parts);
  }

  /**
   * The tenant and priority of a record refused for another reason, for its failure: null when its
   * value is not a JSON object or its tenant or priority is itself what is wrong. Never throws.
   */
  public Placement placementOf(byte[] value, RequestHeaders headers) {
    try {
      JsonNode root = parts.readTree(WireFrame.payload(value));
      if (root == null || !root.isObject()) {
        return null;
      }
      return Placement.of(
          text(root, "tenant", Placement::tenant),
          text(root, "priority", Placement::priority),
          headers,
          tenantHeader);
    } catch (IOException | RuntimeException unreadable) {
      return null;
    }
  }

  /**
   * A top-level string field, checked by {@code rule} (which throws naming the field), or null when
   * absent.
   */
  private static String text(
      JsonNode root, String field, java.util.function.BiConsumer<String, String> rule) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new Violation("INVALID_FIELD", field, null, field + " must be a string");
    }
    rule.accept(node.asText(), field);
    return node.asText();
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
