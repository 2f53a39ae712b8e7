package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.wire.NimbleErrors;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Requests outside the documented limits get a 400 with schema errors; those inside pass. */
@Timeout(30)
class SimValidationTest {
  private static NimbleSimulator sim;
  private static SimHttp http;

  @BeforeAll
  static void start() throws Exception {
    sim =
        NimbleSimulator.start(
            SimConfig.builder().taskDuration(Duration.ZERO).requestsPerSecond(0).build());
    http = new SimHttp(sim);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static Stream<Arguments> invalidRequests() {
    String url = "\"url\":\"https://example.com\"";
    return Stream.of(
        Arguments.of("/v1/extract/async", "{}", "", "required"),
        Arguments.of("/v1/extract/async", "{\"url\":5}", "/url", "type"),
        Arguments.of(
            "/v1/extract/async", "{\"url\":\"" + longUrl(2049) + "\"}", "/url", "maxLength"),
        Arguments.of("/v1/extract/async", "{\"url\":\"no scheme here\"}", "/url", "format"),
        Arguments.of(
            "/v1/extract/async", "{" + url + ",\"formats\":[\"pdf\"]}", "/formats/0", "enum"),
        Arguments.of("/v1/extract/async", "{" + url + ",\"formats\":\"html\"}", "/formats", "type"),
        Arguments.of(
            "/v1/extract/async",
            "{" + url + ",\"request_timeout\":180001}",
            "/request_timeout",
            "maximum"),
        Arguments.of(
            "/v1/extract/async",
            "{" + url + ",\"render_options\":{\"timeout\":200000}}",
            "/render_options/timeout",
            "maximum"),
        Arguments.of(
            "/v1/extract/async",
            "{" + url + ",\"cookies\":" + cookies(101) + "}",
            "/cookies",
            "maxItems"),
        Arguments.of(
            "/v1/extract/async",
            "{" + url + ",\"headers\":" + headerObject(51) + "}",
            "/headers",
            "maxProperties"),
        Arguments.of(
            "/v1/extract/async",
            "{" + url + ",\"headers\":" + headerArray(51) + "}",
            "/headers",
            "maxItems"),
        Arguments.of(
            "/v1/extract/async",
            "{" + url + ",\"storage_type\":\"azure\",\"storage_url\":\"s3://b/p/\"}",
            "/storage_type",
            "enum"),
        Arguments.of(
            "/v1/extract/async", "{" + url + ",\"storage_type\":\"s3\"}", "", "dependentRequired"),
        Arguments.of(
            "/v1/extract/async",
            "{" + url + ",\"storage_type\":\"s3\",\"storage_url\":\"http://bucket/\"}",
            "/storage_url",
            "pattern"),
        Arguments.of(
            "/v1/extract/async",
            "{" + url + ",\"callback_url\":\"not a url\"}",
            "/callback_url",
            "format"),
        Arguments.of(
            "/v1/extract",
            "{" + url + ",\"request_timeout\":999999}",
            "/request_timeout",
            "maximum"),
        Arguments.of("/v1/agents/async", "{\"params\":{\"q\":\"x\"}}", "", "required"),
        Arguments.of("/v1/agents/async", "{\"agent\":\"google_search\"}", "", "required"),
        Arguments.of(
            "/v1/agents/async",
            "{\"agent\":\"google_search\",\"params\":{}}",
            "/params",
            "minProperties"),
        Arguments.of(
            "/v1/agents/async", "{\"agent\":7,\"params\":{\"q\":\"x\"}}", "/agent", "type"),
        Arguments.of(
            "/v1/agents/async",
            "{\"agent\":\"google_search\",\"params\":{\"query\":\"x\"},\"formats\":[\"text\"]}",
            "/formats/0",
            "enum"),
        Arguments.of(
            "/v1/agents/async",
            "{\"agent\":\"google_search\",\"params\":{\"query\":\"x\",\"storage_type\":\"s3\"}}",
            "/params",
            "dependentRequired"),
        Arguments.of(
            "/v1/agents/run", "{\"agent\":\"google_search\",\"params\":[]}", "/params", "type"),
        Arguments.of("/v1/extract/batch", "{}", "", "required"),
        Arguments.of("/v1/extract/batch", "{\"inputs\":[]}", "/inputs", "minItems"),
        Arguments.of("/v1/extract/batch", "{\"inputs\":" + urls(1001) + "}", "/inputs", "maxItems"),
        Arguments.of("/v1/extract/batch", "{\"inputs\":[{}]}", "/inputs/0", "required"),
        Arguments.of(
            "/v1/extract/batch",
            "{\"shared_inputs\":{\"formats\":[\"gif\"]},\"inputs\":[{" + url + "}]}",
            "/shared_inputs/formats/0",
            "enum"),
        Arguments.of(
            "/v1/agents/batch",
            "{\"shared_inputs\":{\"agent\":\"amazon_pdp\"},\"inputs\":[{\"params\":{}}]}",
            "/inputs/0/params",
            "minProperties"),
        Arguments.of("/v1/agents/batch", "{\"inputs\":[{\"params\":{\"a\":1}}]}", "", "required"));
  }

  @ParameterizedTest(name = "{0} {2} {3}")
  @MethodSource("invalidRequests")
  void rejectsWithTheSchemaErrorOfTheBrokenLimit(
      String path, String body, String instancePath, String keyword) {
    SimHttp.Resp r = http.post(path, body);

    assertThat(r.status()).as(r.body()).isEqualTo(400);
    JsonNode json = r.json();
    assertThat(json.get("status").asText()).isEqualTo("failed");
    assertThat(json.get("msg").asText()).isNotBlank();
    assertThat(json.get("error").asText()).isEqualTo(NimbleErrors.SCHEMA_VALIDATION_ERROR);
    JsonNode errors = json.at("/details/schema_validation_errors");
    assertThat(errors.isArray()).isTrue();
    JsonNode first = errors.get(0);
    assertThat(first.get("instancePath").asText()).isEqualTo(instancePath);
    assertThat(first.get("keyword").asText()).isEqualTo(keyword);
    assertThat(first.get("schemaPath").asText()).startsWith("#").endsWith(keyword);
    assertThat(first.get("params").isObject()).isTrue();
    assertThat(first.get("message").asText()).startsWith("must");
  }

  @Test
  void valuesAtTheLimitsAndUnknownFieldsAreAccepted() {
    String body =
        "{\"url\":\""
            + longUrl(2048)
            + "\",\"request_timeout\":180000,\"render_options\":{\"timeout\":180000},"
            + "\"cookies\":"
            + cookies(100)
            + ",\"headers\":"
            + headerObject(50)
            + ",\"formats\":[\"html\",\"markdown\",\"text\",\"screenshot\",\"headers\",\"links\"],"
            + "\"storage_type\":\"gs\",\"storage_url\":\"gs://bucket/prefix/\","
            + "\"callback_url\":\"http://127.0.0.1:9/cb\",\"a_field_nimble_added_later\":{\"x\":1}}";

    SimHttp.Resp r = http.post("/v1/extract/async", body);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/task/input/a_field_nimble_added_later/x").asInt()).isEqualTo(1);
  }

  @Test
  void agentDeliveryOptionsAreAcceptedInParamsAndAtTopLevel() {
    String inParams =
        "{\"agent\":\"google_search\",\"params\":{\"query\":\"q\",\"storage_type\":\"s3\","
            + "\"storage_url\":\"s3://b/p/\",\"callback_url\":\"http://127.0.0.1:9/\"}}";
    String topLevel =
        "{\"agent\":\"google_search\",\"params\":{\"query\":\"q\"},\"storage_type\":\"s3\","
            + "\"storage_url\":\"s3://b/p/\",\"callback_url\":\"http://127.0.0.1:9/\"}";

    assertThat(http.post("/v1/agents/async", inParams).status()).isEqualTo(200);
    assertThat(http.post("/v1/agents/async", topLevel).status()).isEqualTo(200);
  }

  @Test
  void aBatchWithOneBadItemIsRejectedWhole() {
    long before = sim.stats().tasksCreated();
    String body =
        "{\"inputs\":[{\"url\":\"https://a.example\"},{\"url\":\"https://b.example\"},"
            + "{\"url\":\"https://c.example\"},{\"url\":\""
            + longUrl(3000)
            + "\"}]}";

    SimHttp.Resp r = http.post("/v1/extract/batch", body);

    assertThat(r.status()).isEqualTo(400);
    JsonNode errors = r.json().at("/details/schema_validation_errors");
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).get("instancePath").asText()).isEqualTo("/inputs/3/url");
    assertThat(errors.get(0).get("schemaPath").asText())
        .isEqualTo("#/properties/inputs/items/properties/url/maxLength");
    assertThat(sim.stats().tasksCreated()).isEqualTo(before);
  }

  @Test
  void everyProblemIsListed() {
    SimHttp.Resp r =
        http.post(
            "/v1/extract/async",
            "{\"url\":\"https://example.com\",\"formats\":[\"pdf\",\"gif\"],\"request_timeout\":200000}");

    assertThat(r.json().at("/details/schema_validation_errors").size()).isEqualTo(3);
  }

  @Test
  void aBodyThatIsNotJsonIsABadRequest() {
    SimHttp.Resp r = http.post("/v1/extract/async", "url=https://example.com");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/details/schema_validation_errors/0/keyword").asText())
        .isEqualTo("type");
  }

  private static String longUrl(int length) {
    String prefix = "https://example.com/";
    return prefix + "a".repeat(length - prefix.length());
  }

  private static String cookies(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"name\":\"c")
          .append(i)
          .append("\",\"value\":\"v\",\"domain\":\"example.com\"}");
    }
    return b.append("]").toString();
  }

  private static String headerObject(int n) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("\"X-H").append(i).append("\":\"v\"");
    }
    return b.append("}").toString();
  }

  private static String headerArray(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("{\"name\":\"X-H").append(i).append("\",\"value\":\"v\"}");
    }
    return b.append("]").toString();
  }

  private static String urls(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("{\"url\":\"https://example.com/").append(i).append("\"}");
    }
    return b.append("]").toString();
  }
}
