package dev.nimblekafka.request;

import static dev.nimblekafka.request.RequestInputs.assertWellFormed;
import static dev.nimblekafka.request.RequestInputs.errorOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.NimbleLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the request path's first step: whatever the bytes, {@link RequestParser} answers
 * with a valid request or an error that names the field and the limit, never an exception, and the
 * documented limits hold exactly at their boundaries. jqwik prints the seed of any failure.
 */
class RequestParserFuzzTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /**
   * A bound on a parse that hangs or goes quadratic (which takes hours on 5 MB), not a speed
   * target: a loaded build machine takes seconds for what a quiet one does in milliseconds.
   */
  private static final Duration QUICKLY = Duration.ofSeconds(30);

  private final RequestParser parser = new RequestParser(new ObjectMapper());

  private ParseResult parse(byte[] value) {
    return parser.parse("nimble.requests", 3, 42, value);
  }

  private ParseResult parse(JsonNode root) {
    return parse(RequestInputs.bytes(root));
  }

  // ---- any input --------------------------------------------------------------------------

  @Property(tries = 2000)
  void anyBytesGiveAValidOrAnInvalidRequestAndNothingElse(@ForAll("badBytes") byte[] value) {
    assertWellFormed(parse(value));
  }

  @Property(tries = 2000)
  void wrongTypesAndValuesNearTheLimitsAreJudgedByTheDocumentedRules(
      @ForAll("requestLike") ObjectNode root) {
    ParseResult result = parse(root);
    assertWellFormed(result);
    if (result instanceof ParseResult.Valid) {
      assertThat(RequestInputs.brokenLimits(root))
          .as("limits broken by an accepted request")
          .isEmpty();
    }
  }

  @Property(tries = 300)
  void anyValidRequestIsAccepted(@ForAll("validRequests") ObjectNode root) {
    ParseResult result = parse(root);
    assertThat(result).isInstanceOf(ParseResult.Valid.class);
    ExtractionRequest request = ((ParseResult.Valid) result).request();
    String expectedId =
        root.hasNonNull("request_id") ? root.get("request_id").asText() : "nimble.requests-3-42";
    assertThat(request.requestId()).isEqualTo(expectedId);
    assertThat(request.body()).isEqualTo(root.get(request.kind().wire()));
  }

  // ---- boundaries of every documented limit -----------------------------------------------

  @Property(tries = 300)
  void urlsAreAcceptedUpTo2048Characters(
      @ForAll("aroundUrlLimit") int length,
      @ForAll("urlSafeChars") char padding,
      @ForAll boolean asCallback) {
    String url = RequestInputs.url(Math.max(length, 14), padding);
    ObjectNode extract = NODES.objectNode().put("url", asCallback ? "https://a.io" : url);
    if (asCallback) {
      extract.put("callback_url", url);
    }
    ParseResult result = parse(NODES.objectNode().set("extract", extract));
    String field = asCallback ? "extract.callback_url" : "extract.url";
    if (url.length() <= NimbleLimits.MAX_URL_LENGTH) {
      assertThat(result).isInstanceOf(ParseResult.Valid.class);
    } else {
      RequestError error = errorOf(result);
      assertThat(error.code()).isEqualTo("LIMIT_EXCEEDED");
      assertThat(error.field()).isEqualTo(field);
      assertThat(error.limit()).isEqualTo(NimbleLimits.MAX_URL_LENGTH);
      assertThat(error.message())
          .isEqualTo(field + " must be at most 2048 characters but has " + url.length());
    }
  }

  @Property(tries = 200)
  void cookiesAreAcceptedUpTo100InEveryForm(@ForAll("cookieCounts") Tuple2<Integer, JsonNode> c) {
    ObjectNode extract = NODES.objectNode().put("url", "https://a.io").set("cookies", c.get2());
    ParseResult result = parse(NODES.objectNode().set("extract", extract));
    if (c.get1() <= NimbleLimits.MAX_COOKIES) {
      assertThat(result).isInstanceOf(ParseResult.Valid.class);
    } else {
      RequestError error = errorOf(result);
      assertThat(error.code()).isEqualTo("LIMIT_EXCEEDED");
      assertThat(error.field()).isEqualTo("extract.cookies");
      assertThat(error.limit()).isEqualTo(NimbleLimits.MAX_COOKIES);
      assertThat(error.message())
          .isEqualTo("extract.cookies must have at most 100 cookies but has " + c.get1());
    }
  }

  @Property(tries = 200)
  void headersAreAcceptedUpTo50InEveryForm(@ForAll("headerCounts") Tuple2<Integer, JsonNode> h) {
    ObjectNode extract = NODES.objectNode().put("url", "https://a.io").set("headers", h.get2());
    ParseResult result = parse(NODES.objectNode().set("extract", extract));
    if (h.get1() <= NimbleLimits.MAX_HEADERS) {
      assertThat(result).isInstanceOf(ParseResult.Valid.class);
    } else {
      RequestError error = errorOf(result);
      assertThat(error.code()).isEqualTo("LIMIT_EXCEEDED");
      assertThat(error.field()).isEqualTo("extract.headers");
      assertThat(error.limit()).isEqualTo(NimbleLimits.MAX_HEADERS);
      assertThat(error.message())
          .isEqualTo("extract.headers must have at most 50 headers but has " + h.get1());
    }
  }

  @Property(tries = 300)
  void timeoutsAreAcceptedFrom0To180000(
      @ForAll("timeoutFields") String field, @ForAll("timeoutValues") JsonNode value) {
    ObjectNode extract = NODES.objectNode().put("url", "https://a.io");
    if (field.equals("render_options.timeout")) {
      extract.putObject("render_options").set("timeout", value);
    } else {
      extract.set(field, value);
    }
    ParseResult result = parse(NODES.objectNode().set("extract", extract));
    boolean within =
        value.isNumber()
            && value.doubleValue() >= 0
            && value.doubleValue() <= NimbleLimits.MAX_TIMEOUT_MS;
    if (within) {
      assertThat(result).isInstanceOf(ParseResult.Valid.class);
    } else {
      RequestError error = errorOf(result);
      assertThat(error.code()).isEqualTo(value.isNumber() ? "LIMIT_EXCEEDED" : "INVALID_FIELD");
      assertThat(error.field()).isEqualTo("extract." + field);
      assertThat(error.limit()).isEqualTo(NimbleLimits.MAX_TIMEOUT_MS);
      assertWellFormed(result);
    }
  }

  @Property(tries = 300)
  void requestIdsAreAcceptedFrom1To256Characters(
      @ForAll("aroundIdLimit") int length, @ForAll("idChars") char c) {
    String id = String.valueOf(c).repeat(length);
    ParseResult result =
        parse(
            NODES
                .objectNode()
                .put("request_id", id)
                .set("extract", NODES.objectNode().put("url", "https://a.io")));
    if (length >= 1 && length <= RequestValidator.MAX_REQUEST_ID_LENGTH) {
      assertThat(result).isInstanceOf(ParseResult.Valid.class);
      assertThat(((ParseResult.Valid) result).request().requestId()).isEqualTo(id);
    } else {
      RequestError error = errorOf(result);
      assertThat(error.field()).isEqualTo("request_id");
      assertThat(error.limit()).isEqualTo(RequestValidator.MAX_REQUEST_ID_LENGTH);
      assertThat(error.message()).contains("256").contains("has " + length);
      assertThat(error.requestId())
          .as("the derived id, not the bad one")
          .isEqualTo("nimble.requests-3-42");
    }
  }

  @Example
  void aFieldOfTheWrongTypeNamesItsLimitInTheMessage() {
    // the limit is in the error's details, so the message must name it too
    for (String body :
        List.of(
            "{\"url\":\"https://a.io\",\"timeout\":\"5s\"}",
            "{\"url\":\"https://a.io\",\"formats\":7}")) {
      assertWellFormed(parse(("{\"extract\":" + body + "}").getBytes(StandardCharsets.UTF_8)));
    }
  }

  // ---- unicode and control characters ------------------------------------------------------

  @Property(tries = 1000)
  void aUrlIsRefusedExactlyWhenItHasWhitespaceOrAControlCharacter(
      @ForAll char c, @ForAll @IntRange(min = 8, max = 27) int at) {
    String base = "https://example.com/path?q=1";
    String url = base.substring(0, at) + c + base.substring(at);
    ParseResult result =
        parse(NODES.objectNode().set("extract", NODES.objectNode().put("url", url)));
    boolean refused =
        Character.isWhitespace(c) || Character.isISOControl(c) || (at == 8 && c == '/');
    if (refused) {
      RequestError error = errorOf(result);
      assertThat(error.code()).isEqualTo("INVALID_FIELD");
      assertThat(error.field()).isEqualTo("extract.url");
    } else {
      assertThat(result).as("url %s", url).isInstanceOf(ParseResult.Valid.class);
    }
  }

  @Property(tries = 1000)
  void anIdIsRefusedExactlyWhenItHasAControlCharacter(
      @ForAll char c, @ForAll @IntRange(min = 0, max = 8) int at) {
    String base = "order-42";
    String id = base.substring(0, at) + c + base.substring(at);
    ParseResult result =
        parse(
            NODES
                .objectNode()
                .put("request_id", id)
                .set("extract", NODES.objectNode().put("url", "https://a.io")));
    if (Character.isISOControl(c)) {
      RequestError error = errorOf(result);
      assertThat(error.field()).isEqualTo("request_id");
      assertThat(error.message()).contains("control");
    } else {
      assertThat(((ParseResult.Valid) result).request().requestId()).isEqualTo(id);
    }
  }

  // ---- deep and huge ----------------------------------------------------------------------

  @Example
  void tenThousandLevelsOfNestingFailCleanlyAndQuickly() {
    String deepArray = RequestInputs.nested(10_000, "[", "]", "1");
    String deepObject = RequestInputs.nested(10_000, "{\"a\":", "}", "1");
    List<String> values =
        List.of(
            deepArray,
            deepObject,
            "{\"metadata\":" + deepArray + ",\"extract\":{\"url\":\"https://a.io\"}}",
            "{\"extract\":{\"url\":\"https://a.io\",\"x\":" + deepObject + "}}",
            "{\"request_id\":" + deepArray + "}",
            RequestInputs.nested(10_000, "[", "", ""));
    for (String value : values) {
      ParseResult result =
          assertTimeoutPreemptively(QUICKLY, () -> parse(value.getBytes(StandardCharsets.UTF_8)));
      assertWellFormed(result);
      assertThat(errorOf(result).code()).isEqualTo("INVALID_JSON");
      assertThat(errorOf(result).message().length()).isLessThan(300);
    }
  }

  @Property(tries = 30)
  void nestingAtAnyDepthGivesOneAnswerQuickly(
      @ForAll @IntRange(min = 1, max = 20_000) int depth, @ForAll boolean inMetadata) {
    String nested = RequestInputs.nested(depth, "[", "]", "1");
    String value =
        inMetadata
            ? "{\"metadata\":" + nested + ",\"extract\":{\"url\":\"https://a.io\"}}"
            : "{\"extract\":{\"url\":\"https://a.io\",\"x\":" + nested + "}}";
    ParseResult result =
        assertTimeoutPreemptively(QUICKLY, () -> parse(value.getBytes(StandardCharsets.UTF_8)));
    assertWellFormed(result);
    // the worker's limit: 100 levels in all, the request object being the first (Nimble quotes
    // the input in its answers, which must stay readable)
    int total = depth + (inMetadata ? 1 : 2);
    assertThat(result instanceof ParseResult.Valid).isEqualTo(total <= JsonShape.MAX_DEPTH);
  }

  @Example
  void fiveMegabytesOfJsonGiveOneAnswerQuickly() {
    int size = 5 * 1024 * 1024;
    String big = "x".repeat(size);
    StringBuilder fields = new StringBuilder("{\"extract\":{\"url\":\"https://a.io\"");
    for (int i = 0; fields.length() < size; i++) {
      fields.append(",\"f").append(i).append("\":").append(i);
    }
    String manyFields = fields.append("}}").toString();
    String escapes = "{\"extract\":{\"url\":\"" + "\\u0000".repeat(size / 6) + "\"}}";
    String formats = "{\"extract\":{\"url\":\"https://a.io\",\"formats\":[\"" + big + "\"]}}";
    String numbers = "[" + "1,".repeat(size / 2) + "1]";
    byte[] badTail = (manyFields + "\"\u00e9").getBytes(StandardCharsets.ISO_8859_1);

    assertThat(answer(("{\"metadata\":\"" + big + "\",\"extract\":{\"url\":\"https://a.io\"}}")))
        .isInstanceOf(ParseResult.Valid.class);
    assertThat(answer(manyFields)).isInstanceOf(ParseResult.Valid.class);
    assertThat(errorOf(answer(manyFields.substring(0, size / 2))).code()).isEqualTo("INVALID_JSON");
    assertThat(errorOf(answer(escapes)).code()).isEqualTo("LIMIT_EXCEEDED");
    assertThat(errorOf(answer(formats)).field()).isEqualTo("extract.formats");
    assertThat(errorOf(answer(numbers)).code()).isEqualTo("INVALID_JSON");
    ParseResult encoding = assertTimeoutPreemptively(QUICKLY, () -> parse(badTail));
    assertThat(errorOf(encoding).code()).isEqualTo("INVALID_ENCODING");
  }

  private ParseResult answer(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    ParseResult result = assertTimeoutPreemptively(QUICKLY, () -> parse(bytes));
    assertWellFormed(result);
    return result;
  }

  @Example
  void aNumberOfAThousandDigitsOrAHugeFieldNameIsCleanlyRefused() {
    String digits = "{\"extract\":{\"url\":\"https://a.io\",\"timeout\":" + "9".repeat(2000) + "}}";
    String name = "{\"" + "n".repeat(60_000) + "\":1}";
    assertThat(errorOf(answer(digits)).code()).isEqualTo("INVALID_JSON");
    assertThat(errorOf(answer(name)).code()).isEqualTo("INVALID_JSON");
    byte[] zeros = new byte[1 << 20];
    Arrays.fill(zeros, (byte) 0);
    assertThat(errorOf(parse(zeros)).code()).isEqualTo("INVALID_JSON");
  }

  // ---- generators -------------------------------------------------------------------------

  @Provide
  Arbitrary<byte[]> badBytes() {
    return RequestInputs.badBytes();
  }

  @Provide
  Arbitrary<ObjectNode> requestLike() {
    return RequestInputs.requestLike();
  }

  @Provide
  Arbitrary<ObjectNode> validRequests() {
    // text with an unpaired surrogate cannot be carried as UTF-8: refused, see JsonShape
    return RequestInputs.validRequests().filter(root -> JsonShape.problem(root) == null);
  }

  @Provide
  Arbitrary<Integer> aroundUrlLimit() {
    return RequestInputs.around(NimbleLimits.MAX_URL_LENGTH);
  }

  @Provide
  Arbitrary<Character> urlSafeChars() {
    return RequestInputs.urlSafeChars();
  }

  @Provide
  Arbitrary<Tuple2<Integer, JsonNode>> cookieCounts() {
    return RequestInputs.around(NimbleLimits.MAX_COOKIES)
        .flatMap(n -> RequestInputs.cookies(n).map(v -> Tuple.of(n, v)));
  }

  @Provide
  Arbitrary<Tuple2<Integer, JsonNode>> headerCounts() {
    return RequestInputs.around(NimbleLimits.MAX_HEADERS)
        .flatMap(n -> RequestInputs.headers(n).map(v -> Tuple.of(n, v)));
  }

  @Provide
  Arbitrary<String> timeoutFields() {
    return Arbitraries.of("request_timeout", "timeout", "render_options.timeout");
  }

  @Provide
  Arbitrary<JsonNode> timeoutValues() {
    return RequestInputs.timeouts();
  }

  @Provide
  Arbitrary<Integer> aroundIdLimit() {
    return RequestInputs.around(RequestValidator.MAX_REQUEST_ID_LENGTH)
        .edgeCases(e -> e.add(0, 1, 256, 257));
  }

  @Provide
  Arbitrary<Character> idChars() {
    return Arbitraries.chars()
        .all()
        .filter(c -> !Character.isISOControl(c) && !Character.isSurrogate(c))
        .edgeCases(e -> e.add('i', ' ', '\u00e9', '\u2028', '\ufeff'));
  }
}
