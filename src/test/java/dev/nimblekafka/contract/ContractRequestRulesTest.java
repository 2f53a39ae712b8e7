package dev.nimblekafka.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request schema says what the worker's validation says: a request passes one exactly when it
 * passes the other. The few places where JSON Schema cannot say the same thing are pinned down in
 * {@link #theKnownDifferencesAreTheDocumentedOnes}, so a change on either side shows up here.
 */
class ContractRequestRulesTest {
  private static final String A_URL = "https://www.example.com/p";

  private final ObjectMapper json = new ObjectMapper();
  private final RequestParser parser = new RequestParser(json);

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("requests")
  void theSchemaAcceptsARequestExactlyWhenTheWorkerDoes(String what, String request, boolean valid)
      throws IOException {
    assertThat(workerAccepts(request)).as("the worker's verdict on %s", request).isEqualTo(valid);
    assertThat(schemaAccepts(request))
        .as("the schema's verdict on %s: %s", request, errors(request))
        .isEqualTo(valid);
  }

  static Stream<Arguments> requests() {
    return Stream.of(
        ok("the smallest extract", extract("")),
        ok("a scheme in capitals", "{\"extract\":{\"url\":\"HTTPS://WWW.EXAMPLE.COM\"}}"),
        ok("a url of exactly 2048 characters", "{\"extract\":{\"url\":\"" + url(2048) + "\"}}"),
        ok("a no-break space in the url (not whitespace to Java)", urlOf("https://a.io/x\\u00a0y")),
        ok(
            "unknown fields everywhere",
            "{\"x\":1,\"extract\":{\"url\":\"" + A_URL + "\",\"y\":{}}}"),
        ok(
            "nulls for the optional fields",
            "{\"request_id\":null,\"metadata\":null,\"agent\":null,\"extract\":{\"url\":\""
                + A_URL
                + "\",\"formats\":null,\"cookies\":null,\"headers\":null,\"timeout\":null,"
                + "\"render_options\":null,\"callback_url\":null}}"),
        ok("a 256-character id", id("i".repeat(256))),
        ok("an id in any script", id("заказ-42")),
        ok("metadata of any type", "{\"metadata\":[1,\"a\"]," + extract("").substring(1)),
        ok("the text format", extract(",\"formats\":[\"text\",\"links\",\"screenshot\"]")),
        ok("100 cookies", extract(",\"cookies\":" + array(100))),
        ok("100 cookies in a string", extract(",\"cookies\":\"" + cookieString(100) + "\"")),
        ok("50 headers", extract(",\"headers\":" + object(50))),
        ok("timeouts at the limit", extract(",\"timeout\":180000,\"request_timeout\":0.5")),
        ok("a render timeout", extract(",\"render_options\":{\"timeout\":180000}")),
        ok("s3 delivery", extract(",\"storage_type\":\"s3\",\"storage_url\":\"s3://b/p/\"")),
        ok("gs delivery", extract(",\"storage_type\":\"gs\",\"storage_url\":\"gs://b\"")),
        ok("no delivery, spelled out", extract(",\"storage_type\":null,\"storage_url\":null")),
        ok("a callback", extract(",\"callback_url\":\"http://hooks.example/n\"")),
        ok("a tag of the request's own", extract(",\"tag\":\"campaign-nkw-7\"")),
        ok("an agent's own tag", "{\"agent\":{\"agent\":\"a\",\"params\":{\"tag\":\"c7\"}}}"),
        ok("an object name with a path", storage(",\"storage_object_name\":\"day..7/run\"")),
        ok("extract null beside an agent", "{\"extract\":null," + agent("").substring(1)),
        ok("the smallest agent", agent("")),
        ok(
            "agent formats and localization",
            agent(",\"formats\":[\"screenshot\"],\"localization\":false")),
        ok(
            "agent delivery in params",
            "{\"agent\":{\"agent\":\"google_search\",\"params\":{\"query\":\"q\","
                + "\"storage_type\":\"gs\",\"storage_url\":\"gs://b/\"}}}"),
        bad("an empty object", "{}"),
        bad("both extract and agent", "{\"extract\":{\"url\":\"" + A_URL + "\"},\"agent\":{}}"),
        bad("neither, both null", "{\"extract\":null,\"agent\":null}"),
        bad("extract not an object", "{\"extract\":\"" + A_URL + "\"}"),
        bad("agent not an object", "{\"agent\":[]}"),
        bad("no url", "{\"extract\":{\"render\":true}}"),
        bad("a null url", "{\"extract\":{\"url\":null}}"),
        bad("a number for a url", "{\"extract\":{\"url\":42}}"),
        bad("ftp", urlOf("ftp://www.example.com")),
        bad("no host", urlOf("https://")),
        bad("a path but no host", urlOf("https:///path")),
        bad("a space in the url", urlOf("https://a.io/x y")),
        bad("a tab in the url", urlOf("https://a.io/x\\ty")),
        bad("a trailing newline", urlOf("https://a.io/x\\n")),
        bad("a C1 control in the url", urlOf("https://a.io/x\\u0085")),
        bad("an em space in the url", urlOf("https://a.io/x\\u2003y")),
        bad("a url of 2049 characters", "{\"extract\":{\"url\":\"" + url(2049) + "\"}}"),
        bad("formats not an array", extract(",\"formats\":\"html\"")),
        bad("an unknown format", extract(",\"formats\":[\"pdf\"]")),
        bad("text is not an agent format", agent(",\"formats\":[\"text\"]")),
        bad("101 cookies", extract(",\"cookies\":" + array(101))),
        bad("101 cookies in an object", extract(",\"cookies\":" + object(101))),
        bad("cookies as a number", extract(",\"cookies\":5")),
        bad("51 headers", extract(",\"headers\":" + object(51))),
        bad("51 headers in an array", extract(",\"headers\":" + array(51))),
        bad("headers as a string", extract(",\"headers\":\"Accept: */*\"")),
        bad("a timeout over 180000", extract(",\"timeout\":180001")),
        bad("a negative timeout", extract(",\"request_timeout\":-1")),
        bad("a timeout as a string", extract(",\"timeout\":\"5000\"")),
        bad("a render timeout over 180000", extract(",\"render_options\":{\"timeout\":180001}")),
        bad(
            "an unknown storage",
            extract(",\"storage_type\":\"azure\",\"storage_url\":\"azure://b\"")),
        bad("storage_type alone", extract(",\"storage_type\":\"s3\"")),
        bad("storage_url alone", extract(",\"storage_url\":\"s3://b/\"")),
        bad("mismatched storage", extract(",\"storage_type\":\"s3\",\"storage_url\":\"gs://b/\"")),
        bad(
            "a bucket-less storage_url",
            extract(",\"storage_type\":\"s3\",\"storage_url\":\"s3://\"")),
        bad("a number for storage_url", extract(",\"storage_type\":\"s3\",\"storage_url\":5")),
        bad("an ftp callback", extract(",\"callback_url\":\"ftp://hooks.example\"")),
        bad("a tag with the worker's prefix", extract(",\"tag\":\"nkw-0123\"")),
        bad("an agent tag with the worker's prefix", agent(",\"tag\":\"nkw-0123\"")),
        bad(
            "a params tag with the worker's prefix",
            "{\"agent\":{\"agent\":\"a\",\"params\":{\"tag\":\"nkw-0123\"}}}"),
        bad("an object name climbing up", storage(",\"storage_object_name\":\"../other\"")),
        bad("an object name with ..", storage(",\"storage_object_name\":\"a/../../b\"")),
        bad("an object name of ..", storage(",\"storage_object_name\":\"..\"")),
        bad("an object name from the root", storage(",\"storage_object_name\":\"/k\"")),
        bad("an object name with \\..", storage(",\"storage_object_name\":\"a\\\\..\"")),
        bad("an object name as a number", storage(",\"storage_object_name\":7")),
        bad("a number for callback_url", extract(",\"callback_url\":5")),
        bad("an agent without a name", "{\"agent\":{\"params\":{\"q\":1}}}"),
        bad("a blank agent name", "{\"agent\":{\"agent\":\" \\t \",\"params\":{\"q\":1}}}"),
        bad("a number for an agent name", "{\"agent\":{\"agent\":7,\"params\":{\"q\":1}}}"),
        bad("an agent without params", "{\"agent\":{\"agent\":\"amazon_pdp\"}}"),
        bad("empty params", "{\"agent\":{\"agent\":\"amazon_pdp\",\"params\":{}}}"),
        bad("params as an array", "{\"agent\":{\"agent\":\"amazon_pdp\",\"params\":[1]}}"),
        bad("localization as a string", agent(",\"localization\":\"yes\"")),
        bad(
            "half a delivery in params",
            "{\"agent\":{\"agent\":\"google_search\",\"params\":{\"query\":\"q\","
                + "\"storage_type\":\"gs\"}}}"),
        bad("an empty id", id("")),
        bad("a 257-character id", id("i".repeat(257))),
        bad("a newline in the id", id("a\\nb")),
        bad("a C1 control in the id", id("a\\u009fb")),
        bad("a number for an id", "{\"request_id\":7," + extract("").substring(1)));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("differences")
  void theKnownDifferencesAreTheDocumentedOnes(
      String what, String request, boolean worker, boolean schema) throws IOException {
    assertThat(workerAccepts(request)).as("the worker's verdict on %s", what).isEqualTo(worker);
    assertThat(schemaAccepts(request)).as("the schema's verdict on %s", what).isEqualTo(schema);
  }

  static Stream<Arguments> differences() {
    String emoji = "\\ud83d\\ude80";
    return Stream.of(
        // JSON Schema cannot count the parts of a cookie string
        Arguments.of(
            "101 cookies in a string",
            extract(",\"cookies\":\"" + cookieString(101) + "\""),
            false,
            true),
        // the schema counts characters, the worker UTF-16 code units
        Arguments.of("an id of 200 emoji", id(emoji.repeat(200)), false, true),
        // typed as Nimble documents them; the worker passes them through and Nimble refuses them
        Arguments.of(
            "storage_compress as a string",
            extract(
                ",\"storage_type\":\"s3\",\"storage_url\":\"s3://b\",\"storage_compress\":\"y\""),
            true,
            false),
        Arguments.of(
            "render_options as a string", extract(",\"render_options\":\"fast\""), true, false));
  }

  @Test
  void aFailureTimestampMustBeADateTime() throws IOException {
    ObjectNode failure = (ObjectNode) Contracts.document("failure").path("examples").get(0);
    assertThat(Contracts.errors("failure", failure)).isEmpty();
    failure.put("failed_at", "yesterday");
    assertThat(Contracts.locations(Contracts.errors("failure", failure))).contains("/failed_at");
  }

  @Test
  void aFailureAfterSubmissionCarriesAValidRequest() throws IOException {
    ObjectNode failure = (ObjectNode) Contracts.document("failure").path("examples").get(2);
    assertThat(Contracts.errors("failure", failure)).isEmpty();
    ((ObjectNode) failure.path("request").path("agent")).remove("params");
    assertThat(Contracts.locations(Contracts.errors("failure", failure)))
        .anyMatch(location -> location.startsWith("/request/agent"));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private boolean workerAccepts(String request) {
    ParseResult parsed =
        parser.parse("nimble.requests", 0, 7, request.getBytes(StandardCharsets.UTF_8));
    return parsed instanceof ParseResult.Valid;
  }

  private boolean schemaAccepts(String request) throws IOException {
    return Contracts.errors("request", json.readTree(request)).isEmpty();
  }

  private Object errors(String request) throws IOException {
    JsonNode node = json.readTree(request);
    return Contracts.errors("request", node);
  }

  private static Arguments ok(String what, String request) {
    return Arguments.of(what, request, true);
  }

  private static Arguments bad(String what, String request) {
    return Arguments.of(what, request, false);
  }

  private static String extract(String more) {
    return "{\"extract\":{\"url\":\"" + A_URL + "\"" + more + "}}";
  }

  private static String agent(String more) {
    return "{\"agent\":{\"agent\":\"amazon_pdp\",\"params\":{\"asin\":\"B0\"}" + more + "}}";
  }

  /** An extract request with s3 delivery and {@code more}. */
  private static String storage(String more) {
    return extract(",\"storage_type\":\"s3\",\"storage_url\":\"s3://b/p/\"" + more);
  }

  private static String urlOf(String url) {
    return "{\"extract\":{\"url\":\"" + url + "\"}}";
  }

  private static String id(String id) {
    return "{\"request_id\":\"" + id + "\",\"extract\":{\"url\":\"" + A_URL + "\"}}";
  }

  private static String url(int length) {
    String start = "https://www.example.com/";
    return start + "a".repeat(length - start.length());
  }

  private static String array(int size) {
    return IntStream.range(0, size)
        .mapToObj(i -> "{\"name\":\"c" + i + "\",\"value\":\"v\"}")
        .collect(Collectors.joining(",", "[", "]"));
  }

  private static String object(int size) {
    return IntStream.range(0, size)
        .mapToObj(i -> "\"X-H" + i + "\":\"v\"")
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String cookieString(int size) {
    return IntStream.range(0, size).mapToObj(i -> "c" + i + "=v").collect(Collectors.joining("; "));
  }
}
