package dev.nimblekafka.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestParserTest {
  private final RequestParser parser = new RequestParser(new ObjectMapper());

  private ParseResult parse(String json) {
    return parser.parse("nimble.requests", 3, 42, json.getBytes(StandardCharsets.UTF_8));
  }

  private RequestError error(String json) {
    ParseResult result = parse(json);
    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    return ((ParseResult.Invalid) result).error();
  }

  @Test
  void aValidExtractRequestKeepsUnknownFieldsAndMetadata() {
    ParseResult result =
        parse(
            "{\"request_id\":\"order-42\",\"extract\":{\"url\":\"https://www.example.com\","
                + "\"render\":true,\"formats\":[\"html\",\"markdown\"],\"brand_new_field\":7},"
                + "\"metadata\":{\"tenant\":\"acme\"}}");
    ExtractionRequest request = ((ParseResult.Valid) result).request();
    assertThat(request.requestId()).isEqualTo("order-42");
    assertThat(request.kind()).isEqualTo(Kind.EXTRACT);
    assertThat(request.body().get("brand_new_field").asInt()).isEqualTo(7);
    assertThat(request.metadata().get("tenant").asText()).isEqualTo("acme");
    assertThat(request.delivery()).isNull();
  }

  @Test
  void aValidSerpRequestIsPassedThroughWithItsDelivery() {
    ParseResult result =
        parse(
            "{\"request_id\":\"s-1\",\"serp\":{\"search_engine\":\"google_search\","
                + "\"query\":\"coffee\",\"country\":\"US\",\"page\":2,\"num_results\":100,"
                + "\"coordinates\":{\"latitude\":\"40.7\"},\"storage_type\":\"s3\","
                + "\"storage_url\":\"s3://b/serp/\"}}");
    ExtractionRequest request = ((ParseResult.Valid) result).request();
    assertThat(request.kind()).isEqualTo(Kind.SERP);
    assertThat(request.body().path("coordinates").path("latitude").asText()).isEqualTo("40.7");
    assertThat(request.delivery().objectUrl("T1")).isEqualTo("s3://b/serp/T1.json");
    ParseResult place =
        parse("{\"serp\":{\"search_engine\":\"google_maps_reviews\",\"place_id\":\"ChIJ\"}}");
    assertThat(place).isInstanceOf(ParseResult.Valid.class);
  }

  @Test
  void aMissingIdIsDerivedFromTheRecordCoordinates() {
    ParseResult result =
        parse("{\"agent\":{\"agent\":\"amazon_pdp\",\"params\":{\"asin\":\"B0\"}}}");
    assertThat(((ParseResult.Valid) result).request().requestId())
        .isEqualTo("nimble.requests-3-42");
  }

  @Test
  void storageOptionsAreReadFromExtractAndFromAgentParams() {
    ParseResult extract =
        parse(
            "{\"extract\":{\"url\":\"https://a.io\",\"storage_type\":\"s3\","
                + "\"storage_url\":\"s3://bucket/p/\",\"storage_compress\":true}}");
    assertThat(((ParseResult.Valid) extract).request().delivery().objectUrl("T1"))
        .isEqualTo("s3://bucket/p/T1.json.gz");
    ParseResult agent =
        parse(
            "{\"agent\":{\"agent\":\"google_search\",\"params\":{\"query\":\"q\","
                + "\"storage_type\":\"gs\",\"storage_url\":\"gs://b\",\"storage_object_name\":\"x\"}}}");
    assertThat(((ParseResult.Valid) agent).request().delivery().objectUrl("T1"))
        .isEqualTo("gs://b/x.json");
  }

  @Test
  void badBytesAreParseErrors() {
    byte[] latin1 = {'{', '"', 'a', '"', ':', '"', (byte) 0xE9, '"', '}'};
    ParseResult result = parser.parse("t", 0, 1, latin1);
    assertThat(((ParseResult.Invalid) result).error().code()).isEqualTo("INVALID_ENCODING");
    assertThat(((ParseResult.Invalid) parser.parse("t", 0, 1, null)).error().code())
        .isEqualTo("EMPTY_REQUEST");
    assertThat(error("{not json").code()).isEqualTo("INVALID_JSON");
    assertThat(error("{} {}").code()).isEqualTo("INVALID_JSON");
    assertThat(error("[1,2]").message()).contains("JSON object");
    assertThat(error("{not json").stage()).isEqualTo("parse");
  }

  /** A request as a Schema Registry serializer writes it: magic byte 0, schema id, then JSON. */
  private static byte[] framed(int schemaId, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return java.nio.ByteBuffer.allocate(5 + body.length)
        .put((byte) 0)
        .putInt(schemaId)
        .put(body)
        .array();
  }

  @Test
  void aRequestFramedBySchemaRegistryIsRead() {
    ParseResult result =
        parser.parse(
            "t",
            0,
            1,
            framed(
                7,
                "{\"request_id\":\"r-1\",\"extract\":{\"url\":\"https://a.io\"},"
                    + "\"metadata\":{\"tenant\":\"acme\"}}"));
    ExtractionRequest request = ((ParseResult.Valid) result).request();
    assertThat(request.requestId()).isEqualTo("r-1");
    assertThat(request.body().get("url").asText()).isEqualTo("https://a.io");
    assertThat(request.metadata().get("tenant").asText()).isEqualTo("acme");
  }

  @Test
  void aFramedRequestCutShortNamesTheFrame() {
    ParseResult result = parser.parse("t", 0, 1, new byte[] {0, 0, 0});
    RequestError error = ((ParseResult.Invalid) result).error();
    assertThat(error.stage()).isEqualTo("parse");
    assertThat(error.code()).isEqualTo("INVALID_ENCODING");
    assertThat(error.message()).contains("Schema Registry").contains("5 bytes").contains("3");
  }

  @Test
  void aFrameAroundSomethingElseThanJsonIsNotJson() {
    assertThat(((ParseResult.Invalid) parser.parse("t", 0, 1, framed(7, "{nope"))).error().code())
        .isEqualTo("INVALID_JSON");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|'extract|agent|serp|crawl'|none|",
        "{\"extract\":{\"url\":\"https://a.io\"},\"agent\":{\"agent\":\"x\",\"params\":{\"q\":1}}}|'extract|agent|serp|crawl'|extract and agent|",
        "{\"extract\":{\"url\":\"https://a.io\"},\"serp\":{\"search_engine\":\"bing_search\",\"query\":\"q\"}}|'extract|agent|serp|crawl'|extract and serp|",
        "{\"serp\":[]}|serp|JSON object|",
        "{\"serp\":{\"query\":\"q\"}}|serp.search_engine|required|",
        "{\"serp\":{\"search_engine\":\"altavista\",\"query\":\"q\"}}|serp.search_engine|google_search|",
        "{\"serp\":{\"search_engine\":\"google_search\"}}|serp.query|required for google_search|",
        "{\"serp\":{\"search_engine\":\"google_news\",\"query\":\" \"}}|serp.query|non-empty|",
        "{\"serp\":{\"search_engine\":\"google_maps_place\",\"query\":\"cafe\"}}|serp.place_id|required for google_maps_place|",
        "{\"serp\":{\"search_engine\":\"google_search\",\"query\":\"q\",\"num_results\":101}}|serp.num_results|1 to 100|",
        "{\"serp\":{\"search_engine\":\"google_search\",\"query\":\"q\",\"num_results\":0}}|serp.num_results|1 to 100|",
        "{\"serp\":{\"search_engine\":\"google_search\",\"query\":\"q\",\"device\":\"tablet\"}}|serp.device|mobile|",
        "{\"serp\":{\"search_engine\":\"google_search\",\"query\":\"q\",\"parse\":\"yes\"}}|serp.parse|true or false|",
        "{\"serp\":{\"search_engine\":\"google_search\",\"query\":\"q\",\"storage_type\":\"s3\"}}|serp.storage_url|together|",
        "{\"serp\":{\"search_engine\":\"google_search\",\"query\":\"q\",\"callback_url\":\"nope\"}}|serp.callback_url|http|",
        "{\"serp\":{\"search_engine\":\"google_search\",\"query\":\"q\",\"tag\":\"nkw-1\"}}|serp.tag|nkw-|",
        "{\"extract\":{}}|extract.url|required|",
        "{\"extract\":{\"url\":7}}|extract.url|string|",
        "{\"extract\":{\"url\":\"ftp://a.io\"}}|extract.url|http|",
        "{\"extract\":{\"url\":\"https://a.io/a b\"}}|extract.url|spaces|",
        "{\"extract\":{\"url\":\"https://a.io\",\"formats\":[\"pdf\"]}}|extract.formats|html|",
        "{\"extract\":{\"url\":\"https://a.io\",\"request_timeout\":180001}}|extract.request_timeout|180000|",
        "{\"extract\":{\"url\":\"https://a.io\",\"render_options\":{\"timeout\":200000}}}|extract.render_options.timeout|180000|",
        "{\"extract\":{\"url\":\"https://a.io\",\"storage_type\":\"s3\"}}|extract.storage_url|together|",
        "{\"extract\":{\"url\":\"https://a.io\",\"storage_url\":\"s3://b/\"}}|extract.storage_type|together|",
        "{\"extract\":{\"url\":\"https://a.io\",\"storage_type\":\"s3\",\"storage_url\":\"gs://b/\"}}|extract.storage_url|s3://|",
        "{\"extract\":{\"url\":\"https://a.io\",\"storage_type\":\"azure\",\"storage_url\":\"s3://b/\"}}|extract.storage_type|s3|",
        "{\"extract\":{\"url\":\"https://a.io\",\"callback_url\":\"nope\"}}|extract.callback_url|http|",
        "{\"agent\":{\"params\":{\"q\":1}}}|agent.agent|agent name|",
        "{\"agent\":{\"agent\":\"google_search\",\"params\":{}}}|agent.params|at least 1|",
        "{\"agent\":{\"agent\":\"google_search\",\"params\":{\"q\":1},\"formats\":[\"text\"]}}|agent.formats|html|",
        "{\"request_id\":5,\"extract\":{\"url\":\"https://a.io\"}}|request_id|string|",
        "{\"request_id\":\"a\\u0001b\",\"extract\":{\"url\":\"https://a.io\"}}|request_id|control|",
      })
  void eachViolationNamesTheFieldAndTheLimit(
      String json, String field, String inMessage, String alsoInMessage) {
    RequestError error = error(json);
    assertThat(error.stage()).isEqualTo("validate");
    assertThat(error.field()).isEqualTo(field);
    assertThat(error.message()).contains(inMessage);
    if (alsoInMessage != null) {
      assertThat(error.message()).contains(alsoInMessage);
    }
  }

  @Test
  void documentedLimitsAreEnforcedAtTheirBoundaries() {
    String url2048 = "https://a.io/" + "x".repeat(2048 - 13);
    assertThat(parse("{\"extract\":{\"url\":\"" + url2048 + "\"}}"))
        .isInstanceOf(ParseResult.Valid.class);
    RequestError tooLong = error("{\"extract\":{\"url\":\"" + url2048 + "y\"}}");
    assertThat(tooLong.message())
        .isEqualTo("extract.url must be at most 2048 characters but has 2049");
    assertThat(tooLong.limit()).isEqualTo(2048);

    assertThat(parse(withCookies(100))).isInstanceOf(ParseResult.Valid.class);
    assertThat(error(withCookies(101)).message())
        .isEqualTo("extract.cookies must have at most 100 cookies but has 101");

    assertThat(parse(withHeaders(50))).isInstanceOf(ParseResult.Valid.class);
    assertThat(error(withHeaders(51)).message())
        .isEqualTo("extract.headers must have at most 50 headers but has 51");

    assertThat(parse("{\"extract\":{\"url\":\"https://a.io\",\"request_timeout\":180000}}"))
        .isInstanceOf(ParseResult.Valid.class);
  }

  @Test
  void utf16TextIsNotGuessedIntoAValidRequest() {
    byte[] utf16 = "{\"extract\":{\"url\":\"https://a.io\"}}".getBytes(StandardCharsets.UTF_16LE);
    ParseResult result = parser.parse("t", 0, 1, utf16);
    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    assertThat(((ParseResult.Invalid) result).error().code()).isEqualTo("INVALID_JSON");
  }

  @Test
  void metadataIsKeptOnFailuresWhenReadable() {
    RequestError error = error("{\"metadata\":{\"tenant\":\"acme\"},\"extract\":{}}");
    assertThat(error.metadata().get("tenant").asText()).isEqualTo("acme");
    assertThat(error.requestId()).isEqualTo("nimble.requests-3-42");
  }

  private static String withCookies(int n) {
    StringBuilder cookies = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      cookies
          .append(i == 0 ? "" : ",")
          .append("{\"name\":\"c")
          .append(i)
          .append("\",\"value\":\"v\"}");
    }
    return "{\"extract\":{\"url\":\"https://a.io\",\"cookies\":" + cookies + "]}}";
  }

  private static String withHeaders(int n) {
    StringBuilder headers = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      headers.append(i == 0 ? "" : ",").append("\"h").append(i).append("\":\"v\"");
    }
    return "{\"extract\":{\"url\":\"https://a.io\",\"headers\":" + headers + "}}}";
  }

  @Test
  void anUnreadableRequestWithAnEmptyRequestIdFailsUnderItsDerivedIdNotAnEmptyOne() {
    String deep = "[".repeat(150) + "]".repeat(150);
    RequestError error =
        error(
            "{\"request_id\":\"\",\"extract\":{\"url\":\"https://a.io\"},\"metadata\":"
                + deep
                + "}");
    assertThat(error.code()).isEqualTo("INVALID_JSON");
    assertThat(error.requestId()).isEqualTo("nimble.requests-3-42");
  }
}
