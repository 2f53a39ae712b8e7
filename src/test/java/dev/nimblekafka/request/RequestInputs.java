package dev.nimblekafka.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.NimbleLimits;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of bad (and good) request records for property tests, and the rules every parse result
 * must follow whatever the input. Shared by the request, contract, publish and worker tests.
 */
public final class RequestInputs {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Characters that break naive handling: controls, separators, quotes, BOM, lone surrogates. */
  private static final String NASTY_CHARS =
      "\u0000\u0001\u0008\t\n\r\u001b\u001f\u007f\u0080\u0085\u009f\u00a0\u1680\u2007\u200b"
          + "\u2028\u2029\u202e\u3000\ufeff\ufffd\ud800\udbff\udc00\udfff \"\\/%?#&=;:@";

  private static final List<String> FIELD_PATHS =
      List.of(
          "request_id",
          "metadata",
          "extract",
          "agent",
          "extract.url",
          "extract.formats",
          "extract.cookies",
          "extract.headers",
          "extract.request_timeout",
          "extract.timeout",
          "extract.render_options",
          "extract.render_options.timeout",
          "extract.storage_type",
          "extract.storage_url",
          "extract.storage_compress",
          "extract.storage_object_name",
          "extract.callback_url",
          "agent.agent",
          "agent.params",
          "agent.params.storage_type",
          "agent.params.storage_url",
          "agent.params.callback_url",
          "agent.formats",
          "agent.localization",
          "agent.storage_type",
          "agent.storage_url",
          "agent.callback_url");

  private RequestInputs() {}

  // ---- text -------------------------------------------------------------------------------

  /** Any text: ASCII, any UTF-16 unit (lone surrogates included), emoji, nasty characters. */
  public static Arbitrary<String> anyText(int maxLength) {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.strings().ascii().ofMaxLength(maxLength)),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(maxLength)),
        Tuple.of(2, Arbitraries.strings().withChars(NASTY_CHARS).ofMaxLength(maxLength)),
        Tuple.of(
            1,
            Arbitraries.of(
                "",
                " ",
                "null",
                "0",
                "https://",
                "https:///x",
                "HTTPS://A.IO",
                "https://a.io",
                "s3://",
                "gs://b",
                "\ud83d\ude80",
                "\u202egnp.exe")));
  }

  /** Characters allowed in a URL by the documented rule (no whitespace, no control). */
  public static Arbitrary<Character> urlSafeChars() {
    return Arbitraries.chars()
        .all()
        .filter(c -> !Character.isWhitespace(c) && !Character.isISOControl(c))
        .filter(c -> !Character.isSurrogate(c))
        .edgeCases(e -> e.add('a', '/', '%', '\u00e9', '\u4e2d', '\ufffd', '\u00a0'));
  }

  // ---- JSON values ------------------------------------------------------------------------

  /** Any JSON value, nested up to {@code depth} levels. */
  public static Arbitrary<JsonNode> anyJson(int depth) {
    Arbitrary<JsonNode> scalars =
        Arbitraries.oneOf(
            Arbitraries.just(NODES.nullNode()),
            Arbitraries.of(true, false).map(NODES::booleanNode),
            Arbitraries.integers().map(i -> (JsonNode) NODES.numberNode(i)),
            Arbitraries.longs().map(l -> (JsonNode) NODES.numberNode(l)),
            Arbitraries.bigIntegers()
                .between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
                .map(b -> (JsonNode) NODES.numberNode(b)),
            Arbitraries.of(-0.0, 0.5, 1e-9, 1.7976931348623157e308, -1e300, 180000.5)
                .map(d -> (JsonNode) NODES.numberNode(d)),
            Arbitraries.of(new BigDecimal("180000.000000000000000001"), new BigDecimal("1e-400"))
                .map(d -> (JsonNode) NODES.numberNode(d)),
            anyText(40).map(NODES::textNode));
    if (depth <= 0) {
      return scalars;
    }
    Arbitrary<JsonNode> inner = anyJson(depth - 1);
    Arbitrary<JsonNode> arrays =
        inner
            .list()
            .ofMaxSize(4)
            .map(
                items -> {
                  ArrayNode array = NODES.arrayNode();
                  items.forEach(array::add);
                  return array;
                });
    Arbitrary<JsonNode> objects =
        Arbitraries.maps(anyText(8), inner)
            .ofMaxSize(4)
            .map(
                fields -> {
                  ObjectNode object = NODES.objectNode();
                  fields.forEach(object::set);
                  return object;
                });
    return Arbitraries.frequencyOf(Tuple.of(4, scalars), Tuple.of(1, arrays), Tuple.of(1, objects));
  }

  // ---- requests ---------------------------------------------------------------------------

  /** A valid request of either kind, with some of the optional fields set to fitting values. */
  public static Arbitrary<ObjectNode> validRequests() {
    Arbitrary<ObjectNode> extract =
        Combinators.combine(
                Arbitraries.integers().between(1, 60),
                Arbitraries.<List<String>>of(
                    List.of(), List.of("html"), List.of("markdown", "links")),
                Arbitraries.integers().between(0, (int) NimbleLimits.MAX_TIMEOUT_MS),
                Arbitraries.of(true, false))
            .as(
                (n, formats, timeout, extras) -> {
                  ObjectNode body = NODES.objectNode();
                  body.put("url", "https://shop.example/p/" + n);
                  if (!formats.isEmpty()) {
                    formats.forEach(body.putArray("formats")::add);
                  }
                  if (extras) {
                    body.put("request_timeout", timeout);
                    body.put("render", true);
                    body.putObject("headers").put("Accept-Language", "en");
                  }
                  return body;
                });
    Arbitrary<ObjectNode> agent =
        Arbitraries.of("amazon_pdp", "google_search")
            .map(
                name -> {
                  ObjectNode body = NODES.objectNode().put("agent", name);
                  body.putObject("params").put("query", "q");
                  return body;
                });
    return Combinators.combine(
            Arbitraries.of("extract", "agent"),
            extract,
            agent,
            Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20).injectNull(0.3),
            anyJson(2).injectNull(0.3))
        .as(
            (kind, e, a, id, metadata) -> {
              ObjectNode root = NODES.objectNode();
              if (id != null) {
                root.put("request_id", id);
              }
              root.set(kind, kind.equals("extract") ? e : a);
              if (metadata != null) {
                root.set("metadata", metadata);
              }
              return root;
            });
  }

  /**
   * A valid request with up to three changes: a known field set to any JSON value (wrong types), to
   * a value near a documented limit, or removed; or an unknown field added.
   */
  public static Arbitrary<ObjectNode> requestLike() {
    Arbitrary<Change> change =
        Arbitraries.of(FIELD_PATHS)
            .flatMap(
                path ->
                    Arbitraries.frequencyOf(
                        Tuple.of(4, anyJson(2).map(v -> new Change(path, v))),
                        Tuple.of(4, nearLimit(path).map(v -> new Change(path, v))),
                        Tuple.of(1, Arbitraries.just(new Change(path, null)))));
    Arbitrary<Change> unknown =
        Combinators.combine(Arbitraries.of("extract", "agent", ""), anyText(10), anyJson(1))
            .as((parent, name, v) -> new Change(parent.isEmpty() ? name : parent + "." + name, v));
    return Combinators.combine(
            validRequests(),
            Arbitraries.frequencyOf(Tuple.of(5, change), Tuple.of(1, unknown)).list().ofMaxSize(3))
        .as(
            (root, changes) -> {
              changes.forEach(c -> c.applyTo(root));
              return root;
            });
  }

  /** One change to a request: set {@code path} to {@code value}, or remove it when null. */
  record Change(String path, JsonNode value) {
    void applyTo(ObjectNode root) {
      String[] parts = path.split("\\.", -1);
      ObjectNode parent = root;
      for (int i = 0; i < parts.length - 1; i++) {
        JsonNode next = parent.get(parts[i]);
        if (next == null || next.isNull()) {
          next = parent.putObject(parts[i]);
        }
        if (!next.isObject()) {
          return;
        }
        parent = (ObjectNode) next;
      }
      String last = parts[parts.length - 1];
      if (value == null) {
        parent.remove(last);
      } else {
        parent.set(last, value);
      }
    }
  }

  /** Values at and around the documented limit of a field, plus values of the wrong type. */
  static Arbitrary<JsonNode> nearLimit(String path) {
    String field = path.substring(path.lastIndexOf('.') + 1);
    return switch (field) {
      case "url", "callback_url" ->
          Combinators.combine(around(NimbleLimits.MAX_URL_LENGTH), urlSafeChars())
              .as((n, c) -> (JsonNode) NODES.textNode(url(n, c)));
      case "cookies" -> around(NimbleLimits.MAX_COOKIES).flatMap(RequestInputs::cookies);
      case "headers" -> around(NimbleLimits.MAX_HEADERS).flatMap(RequestInputs::headers);
      case "timeout", "request_timeout" -> timeouts();
      case "request_id" -> around(RequestValidator.MAX_REQUEST_ID_LENGTH).map(RequestInputs::id);
      case "formats" ->
          Arbitraries.of("html", "text", "pdf", "HTML", "")
              .list()
              .ofMaxSize(7)
              .map(
                  items -> {
                    ArrayNode array = NODES.arrayNode();
                    items.forEach(array::add);
                    return array;
                  });
      case "storage_type" -> Arbitraries.of("s3", "gs", "azure", "S3").map(NODES::textNode);
      case "storage_url" ->
          Arbitraries.of("s3://", "s3://b", "gs://b/p/", "S3://b", "https://b")
              .map(NODES::textNode);
      case "agent" -> Arbitraries.of("", " \t", "\u3000", "amazon_pdp").map(NODES::textNode);
      case "params" ->
          Arbitraries.of(NODES.objectNode(), NODES.objectNode().put("q", 1), NODES.arrayNode())
              .map(JsonNode.class::cast);
      default -> anyJson(1);
    };
  }

  /** Integers at the limit, one either side, and a few further away. */
  public static Arbitrary<Integer> around(int limit) {
    return Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.integers().between(limit - 2, limit + 2)),
            Tuple.of(1, Arbitraries.integers().between(0, limit * 2)))
        .edgeCases(e -> e.add(limit, limit + 1));
  }

  /** An http(s) URL of exactly {@code length} UTF-16 units (at least 13), padded with {@code c}. */
  public static String url(int length, char c) {
    String prefix = "https://a.io/";
    int pad = Math.max(0, length - prefix.length());
    return prefix + String.valueOf(c).repeat(pad);
  }

  /** A request id of {@code length} UTF-16 units. */
  static JsonNode id(int length) {
    return NODES.textNode("i".repeat(length));
  }

  static Arbitrary<JsonNode> cookies(int count) {
    return Arbitraries.of("array", "object", "string")
        .map(
            form -> {
              switch (form) {
                case "array" -> {
                  ArrayNode array = NODES.arrayNode();
                  for (int i = 0; i < count; i++) {
                    array.addObject().put("name", "c" + i).put("value", "v");
                  }
                  return array;
                }
                case "object" -> {
                  ObjectNode object = NODES.objectNode();
                  for (int i = 0; i < count; i++) {
                    object.put("c" + i, "v");
                  }
                  return object;
                }
                default -> {
                  StringBuilder text = new StringBuilder(";");
                  for (int i = 0; i < count; i++) {
                    text.append(" c").append(i).append("=v; ;");
                  }
                  return NODES.textNode(text.toString());
                }
              }
            });
  }

  static Arbitrary<JsonNode> headers(int count) {
    return Arbitraries.of(true, false)
        .map(
            asObject -> {
              if (asObject) {
                ObjectNode object = NODES.objectNode();
                for (int i = 0; i < count; i++) {
                  object.put("X-H" + i, "v");
                }
                return object;
              }
              ArrayNode array = NODES.arrayNode();
              for (int i = 0; i < count; i++) {
                array.addObject().put("name", "X-H" + i).put("value", "v");
              }
              return array;
            });
  }

  static Arbitrary<JsonNode> timeouts() {
    long max = NimbleLimits.MAX_TIMEOUT_MS;
    return Arbitraries.oneOf(
        Arbitraries.longs()
            .between(max - 2, max + 2)
            .edgeCases(e -> e.add(max, max + 1))
            .map(NODES::numberNode),
        Arbitraries.longs().between(-2, 2).map(NODES::numberNode),
        Arbitraries.of(max + 0.5, max - 0.5, -0.5, -0.0, 1e300).map(NODES::numberNode),
        Arbitraries.of("180000", "5s", "").map(NODES::textNode));
  }

  // ---- records ----------------------------------------------------------------------------

  /** Record values that are not requests: random bytes, broken UTF-8, other encodings, junk. */
  public static Arbitrary<byte[]> badBytes() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
        anyText(200).map(s -> s.getBytes(StandardCharsets.UTF_8)),
        validRequests().map(r -> encode(r, StandardCharsets.UTF_16LE)),
        validRequests().map(r -> encode(r, StandardCharsets.UTF_16BE)),
        validRequests().map(r -> prefix(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, r)),
        validRequests().map(r -> truncated(r)),
        validRequests().map(r -> (r + " " + r).getBytes(StandardCharsets.UTF_8)),
        mutated(),
        Arbitraries.of(
                "",
                "null",
                "0",
                "\"x\"",
                "[]",
                "{}",
                "{",
                "}",
                "[{}]",
                "{\"a\":1,}",
                "{'a':1}",
                "NaN",
                "{\"extract\":{\"url\":\"https://a.io\"}}\u0000",
                "/*c*/{}")
            .map(s -> s.getBytes(StandardCharsets.UTF_8)));
  }

  /** A valid request's bytes with a few bytes flipped, inserted or deleted. */
  public static Arbitrary<byte[]> mutated() {
    return Combinators.combine(
            validRequests().map(r -> r.toString().getBytes(StandardCharsets.UTF_8)),
            Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(4),
            Arbitraries.bytes().list().ofSize(4))
        .as(
            (bytes, positions, values) -> {
              List<Byte> out = new ArrayList<>();
              for (byte b : bytes) {
                out.add(b);
              }
              for (int i = 0; i < positions.size(); i++) {
                int at = positions.get(i) % Math.max(1, out.size());
                switch (positions.get(i) % 3) {
                  case 0 -> out.set(at, values.get(i));
                  case 1 -> out.add(at, values.get(i));
                  default -> out.remove(at);
                }
              }
              byte[] result = new byte[out.size()];
              for (int i = 0; i < result.length; i++) {
                result[i] = out.get(i);
              }
              return result;
            });
  }

  private static byte[] encode(ObjectNode request, java.nio.charset.Charset charset) {
    return request.toString().getBytes(charset);
  }

  private static byte[] prefix(byte[] head, ObjectNode request) {
    byte[] body = request.toString().getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  private static byte[] truncated(ObjectNode request) {
    byte[] body = request.toString().getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.copyOf(body, body.length / 2);
  }

  /** The UTF-8 bytes of a JSON value, as Jackson writes them (lone surrogates escaped). */
  public static byte[] bytes(JsonNode value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code n} levels of arrays, then {@code n} closing brackets. */
  public static String nested(int depth, String open, String close, String inner) {
    return open.repeat(depth) + inner + close.repeat(depth);
  }

  // ---- rules ------------------------------------------------------------------------------

  private static final Set<String> PARSE_CODES =
      Set.of("EMPTY_REQUEST", "INVALID_ENCODING", "INVALID_JSON");
  private static final Set<String> VALIDATE_CODES =
      Set.of("MISSING_FIELD", "INVALID_FIELD", "LIMIT_EXCEEDED", "AMBIGUOUS_REQUEST");

  /**
   * What holds of every parse result: an invalid one has a stage, a stable code and an id; one from
   * the validate stage names its field in the message, and its limit when it has one.
   */
  public static void assertWellFormed(ParseResult result) {
    assertThat(result).isNotNull();
    if (result instanceof ParseResult.Valid valid) {
      ExtractionRequest request = valid.request();
      assertThat(request.requestId()).isNotEmpty();
      assertThat(request.body()).isNotNull();
      return;
    }
    RequestError error = ((ParseResult.Invalid) result).error();
    assertThat(error.requestId()).isNotEmpty();
    assertThat(error.message()).isNotBlank();
    assertThat(error.stage()).isIn("parse", "validate");
    if (error.stage().equals("parse")) {
      assertThat(error.code()).isIn(PARSE_CODES);
      assertThat(error.field()).isNull();
      return;
    }
    assertThat(error.code()).isIn(VALIDATE_CODES);
    assertThat(error.field()).as("the field of %s", error).isNotNull();
    for (String alternative : error.field().split("\\|")) {
      assertThat(error.message()).as("the message names the field").contains(alternative);
    }
    if (error.limit() != null) {
      assertThat(error.message())
          .as("the message of %s names its limit", error.field())
          .contains(limitText(error.limit()));
    }
    if (error.code().equals("LIMIT_EXCEEDED")) {
      assertThat(error.limit()).as("a broken limit is given").isInstanceOf(Number.class);
    }
  }

  private static String limitText(Object limit) {
    if (limit instanceof Set<?> values) {
      return new java.util.TreeSet<>(values).toString();
    }
    return String.valueOf(limit);
  }

  /**
   * The documented limits a request the parser accepted still breaks, or none: an independent check
   * of the numbers in the Async Extract guide.
   */
  public static List<String> brokenLimits(JsonNode root) {
    List<String> broken = new ArrayList<>();
    JsonNode id = root.get("request_id");
    if (id != null && !id.isNull()) {
      String text = id.asText();
      if (!id.isTextual() || text.isEmpty() || text.length() > 256) {
        broken.add("request_id length " + text.length());
      }
      if (text.chars().anyMatch(Character::isISOControl)) {
        broken.add("request_id control character");
      }
    }
    JsonNode extract = root.path("extract");
    if (extract.isObject()) {
      checkUrl(extract.get("url"), "extract.url", broken, true);
      checkUrl(extract.get("callback_url"), "extract.callback_url", broken, false);
      JsonNode cookies = extract.path("cookies");
      if ((cookies.isArray() || cookies.isObject()) && cookies.size() > 100) {
        broken.add("cookies " + cookies.size());
      }
      if (extract.path("headers").size() > 50) {
        broken.add("headers " + extract.path("headers").size());
      }
      for (JsonNode timeout :
          List.of(
              extract.path("timeout"),
              extract.path("request_timeout"),
              extract.path("render_options").path("timeout"))) {
        if (timeout.isNumber()
            && (timeout.doubleValue() < 0 || timeout.doubleValue() > NimbleLimits.MAX_TIMEOUT_MS)) {
          broken.add("timeout " + timeout);
        }
        if (!timeout.isMissingNode() && !timeout.isNull() && !timeout.isNumber()) {
          broken.add("timeout type " + timeout);
        }
      }
    }
    return broken;
  }

  private static void checkUrl(JsonNode url, String field, List<String> broken, boolean required) {
    if (url == null || url.isNull()) {
      if (required) {
        broken.add(field + " missing");
      }
      return;
    }
    String text = url.asText();
    if (!url.isTextual() || text.length() > NimbleLimits.MAX_URL_LENGTH) {
      broken.add(field + " length " + text.length());
    }
    if (!text.matches("(?is)https?://[^/].*")) {
      broken.add(field + " scheme or host");
    }
    if (text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      broken.add(field + " whitespace or control");
    }
  }

  /** The error of an invalid result; fails for a valid one. */
  public static RequestError errorOf(ParseResult result) {
    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    return ((ParseResult.Invalid) result).error();
  }
}
