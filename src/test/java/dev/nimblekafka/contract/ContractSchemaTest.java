package dev.nimblekafka.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import dev.nimblekafka.publish.Completion;
import dev.nimblekafka.publish.Failure;
import dev.nimblekafka.publish.OutcomeRecords;
import dev.nimblekafka.publish.RequestRecord;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestError;
import dev.nimblekafka.request.RequestParser;
import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.testkit.RequestMetadata;
import dev.nimblekafka.usage.Usage;
import dev.nimblekafka.usage.UsageCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The records the worker really builds ({@link OutcomeRecords}, {@link StateCodec}) and the example
 * requests match the published JSON Schemas, and the schemas reject what they must.
 */
class ContractSchemaTest {
  private static final String REQUESTS = "nimble.requests";
  private static final int PARTITION = 3;
  private static final long OFFSET = 1207;
  private static final Instant NOW = Instant.parse("2026-03-01T09:15:06.480Z");
  private static final String TASK = "8e8cfde8-345b-4c6a-9f2e-5a3e1e0c3b9d";
  private static final String VALID_REQUEST =
      "{\"request_id\":\"order-42\",\"extract\":{\"url\":\"https://www.example.com/p/42\","
          + "\"formats\":[\"html\",\"markdown\"],\"render\":true},\"metadata\":{\"tenant\":\"acme\"}}";

  private final ObjectMapper json = new ObjectMapper();
  private final RequestParser parser = new RequestParser(json);
  private final OutcomeRecords outcomes =
      new OutcomeRecords(json, "nimble.results", "nimble.failures", 1_048_576);

  // ---- the schemas themselves --------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"request", "result", "failure", "state", "usage", "page"})
  void eachSchemaIsDocumentedAndItsExamplesAreValid(String name) {
    JsonNode schema = Contracts.document(name);
    assertThat(schema.path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.path("$id").asText()).isEqualTo(Contracts.BASE + name + ".schema.json");
    assertThat(schema.path("title").asText()).isNotBlank();
    assertThat(schema.path("description").asText()).isNotBlank();
    assertThat(undescribedProperties(schema, "")).as("properties without a description").isEmpty();
    assertThat(schema.path("examples").size()).isPositive();
    for (JsonNode example : schema.path("examples")) {
      assertThat(Contracts.errors(name, example)).as("example %s", example).isEmpty();
    }
  }

  // ---- requests ------------------------------------------------------------------------------

  @Test
  void everyExampleRequestMatchesTheSchemaExactlyWhenTheWorkerAcceptsIt() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("examples/requests.jsonl"));
    int checked = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      checked++;
      JsonNode request = json.readTree(line);
      List<Error> errors = Contracts.errors("request", request);
      boolean accepted = parse(line.getBytes(StandardCharsets.UTF_8)) instanceof ParseResult.Valid;
      if (request.path("request_id").asText().equals("example-invalid")) {
        assertThat(accepted).as("the worker accepts line %d", i + 1).isFalse();
        assertThat(Contracts.locations(errors)).as("line %d", i + 1).containsOnly("/extract/url");
      } else {
        assertThat(errors).as("line %d: %s", i + 1, line).isEmpty();
        assertThat(accepted).as("the worker accepts line %d", i + 1).isTrue();
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(6);
  }

  @Test
  void aRequestWithoutItsUrlFailsTheSchema() throws IOException {
    ObjectNode request = (ObjectNode) json.readTree(VALID_REQUEST);
    assertThat(Contracts.errors("request", request)).isEmpty();
    ((ObjectNode) request.get("extract")).remove("url");
    assertThat(Contracts.errors("request", request))
        .extracting(Error::getKeyword)
        .contains("required");
  }

  // ---- results -------------------------------------------------------------------------------

  @Test
  void aResultWithTheResultInlineMatchesTheSchema() throws IOException {
    byte[] body =
        ("{\"url\":\"https://www.example.com/p/42\",\"task_id\":\""
                + TASK
                + "\",\"status\":"
                + "\"success\",\"status_code\":200,\"data\":{\"html\":\"<html></html>\","
                + "\"markdown\":\"# P\"},\"metadata\":{\"driver\":\"vx8\"},\"warnings\":[]}")
            .getBytes(StandardCharsets.UTF_8);
    ProducerRecord<byte[], byte[]> record =
        outcomes
            .result(completion(VALID_REQUEST, 1, body, null, null))
            .orElseThrow(() -> new AssertionError("the result did not fit"));

    JsonNode value = assertValid("result", record.value());
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("order-42");
    assertThat(value.path("result").path("data").path("markdown").asText()).isEqualTo("# P");
    assertThat(value.path("metadata").path("tenant").asText()).isEqualTo("acme");
  }

  @Test
  void aResultDeliveredToCloudStorageMatchesTheSchema() {
    String request =
        "{\"extract\":{\"url\":\"https://www.example.com/big\",\"storage_type\":\"gs\","
            + "\"storage_url\":\"gs://bucket/nimble\",\"storage_compress\":true}}";
    String location = "gs://bucket/nimble/" + TASK + ".json.gz";
    ProducerRecord<byte[], byte[]> record =
        outcomes.result(completion(request, 2, null, location, "gs")).orElseThrow();

    JsonNode value = assertValid("result", record.value());
    assertThat(value.has("result")).isFalse();
    assertThat(value.path("result_location").path("url").asText()).isEqualTo(location);
    assertThat(value.path("metadata").isNull()).isTrue();
  }

  @Test
  void aResultWithoutItsTaskIdFailsTheSchema() throws IOException {
    byte[] body = "{\"status\":\"success\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
    ObjectNode value =
        (ObjectNode)
            json.readTree(
                outcomes.result(completion(VALID_REQUEST, 1, body, null, null)).get().value());
    value.remove("task_id");
    assertThat(Contracts.errors("result", value))
        .extracting(Error::getKeyword)
        .contains("required");
  }

  // ---- failures ------------------------------------------------------------------------------

  @Test
  void aRejectedJsonRequestFailsWithTheRequestAndTheDeadLetterHeaders() {
    byte[] value =
        "{\"request_id\":\"example-invalid\",\"extract\":{\"url\":\"ftp://www.example.com/x\"},\"metadata\":{\"note\":\"n\"}}"
            .getBytes(StandardCharsets.UTF_8);
    ProducerRecord<byte[], byte[]> record = rejected(value);

    JsonNode failure = assertValid("failure", record.value());
    assertThat(failure.path("stage").asText()).isEqualTo("validate");
    assertThat(failure.path("error").path("details").path("field").asText())
        .isEqualTo("extract.url");
    assertThat(failure.path("request").path("extract").path("url").asText())
        .isEqualTo("ftp://www.example.com/x");
    assertThat(failure.path("metadata").path("note").asText()).isEqualTo("n");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("example-invalid");
    Map<String, String> headers = headers(record);
    assertThat(headers)
        .containsEntry("__connect.errors.topic", REQUESTS)
        .containsEntry("__connect.errors.partition", Integer.toString(PARTITION))
        .containsEntry("__connect.errors.offset", Long.toString(OFFSET))
        .containsEntry("__connect.errors.stage", "validate")
        .containsEntry(
            "__connect.errors.exception.message",
            "INVALID_FIELD: " + failure.path("error").path("message").asText())
        .containsKey("__connect.errors.exception.class.name");
  }

  @Test
  void aValueThatIsNotUtf8JsonFailsWithTheRequestInBase64() {
    byte[] value = {(byte) 0xfe, (byte) 0xff, 0x41, 0x00, (byte) 0xc3};
    JsonNode failure = assertValid("failure", rejected(value).value());

    assertThat(failure.path("error").path("code").asText()).isEqualTo("INVALID_ENCODING");
    assertThat(failure.has("request")).isFalse();
    assertThat(Base64.getDecoder().decode(failure.path("request_base64").asText()))
        .isEqualTo(value);
    assertThat(failure.path("request_id").asText()).isEqualTo(REQUESTS + "-3-1207");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{\"extract\":", "{} {}", "[1,2]", "\"text\"", "null"})
  void everyUnreadableValueFailsAtParseWithinTheSchema(String text) {
    JsonNode failure =
        assertValid("failure", rejected(text.getBytes(StandardCharsets.UTF_8)).value());
    assertThat(failure.path("stage").asText()).isEqualTo("parse");
  }

  @Test
  void aRecordWithNoValueFailsWithANullRequest() {
    JsonNode failure = assertValid("failure", rejected(null).value());
    assertThat(failure.path("error").path("code").asText()).isEqualTo("EMPTY_REQUEST");
    assertThat(failure.get("request").isNull()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("breaches")
  void everyBrokenLimitFailsAtValidateWithinTheSchema(String request, String code) {
    JsonNode failure =
        assertValid("failure", rejected(request.getBytes(StandardCharsets.UTF_8)).value());
    assertThat(failure.path("stage").asText()).isEqualTo("validate");
    assertThat(failure.path("error").path("code").asText()).isEqualTo(code);
  }

  static Stream<Arguments> breaches() {
    String url = "https://www.example.com/" + "a".repeat(2030);
    return Stream.of(
        Arguments.of("{\"metadata\":{\"a\":1}}", "MISSING_FIELD"),
        Arguments.of(
            "{\"extract\":{\"url\":\"https://a.io\"},\"agent\":{\"agent\":\"x\"}}",
            "AMBIGUOUS_REQUEST"),
        Arguments.of("{\"extract\":{\"url\":\"" + url + "\"}}", "LIMIT_EXCEEDED"),
        Arguments.of(
            "{\"extract\":{\"url\":\"https://a.io\",\"timeout\":180001}}", "LIMIT_EXCEEDED"),
        Arguments.of(
            "{\"extract\":{\"url\":\"https://a.io\",\"formats\":[\"pdf\"]}}", "INVALID_FIELD"),
        Arguments.of(
            "{\"extract\":{\"url\":\"https://a.io\",\"storage_type\":\"azure\","
                + "\"storage_url\":\"azure://b\"}}",
            "INVALID_FIELD"),
        Arguments.of("{\"agent\":{\"agent\":\"amazon_pdp\",\"params\":{}}}", "INVALID_FIELD"),
        Arguments.of("{\"request_id\":7,\"extract\":{\"url\":\"https://a.io\"}}", "INVALID_FIELD"));
  }

  @Test
  void aFailureTooLargeForARecordLeavesTheRequestOut() {
    OutcomeRecords small = new OutcomeRecords(json, "nimble.results", "nimble.failures", 8_192);
    String request =
        "{\"request_id\":\"big-1\",\"extract\":{\"url\":\"https://a.io\",\"x_notes\":\""
            + "n".repeat(20_000)
            + "\"},\"metadata\":{\"tenant\":\"acme\"}}";
    Failure failure =
        nimbleFailure(
            request, "submit", "INVALID_REQUEST", 400, null, 0, null, "HTTP 400: bad x_notes");
    ProducerRecord<byte[], byte[]> record = small.failure(failure, NOW);

    JsonNode value = assertValid("failure", record.value());
    assertThat(record.value().length).isLessThan(8_192);
    assertThat(value.has("request")).isFalse();
    assertThat(value.path("request_omitted").asText()).contains(request.length() + " bytes");
    assertThat(value.path("metadata").path("tenant").asText()).isEqualTo("acme");
  }

  @ParameterizedTest
  @MethodSource("nimbleFailures")
  void everyFailureAfterSubmissionMatchesTheSchema(Failure failure) {
    JsonNode value = assertValid("failure", outcomes.failure(failure, NOW).value());
    assertThat(value.path("error").path("code").asText()).isEqualTo(failure.code());
    assertThat(value.path("task_id").isMissingNode()).isEqualTo(failure.taskId() == null);
  }

  static Stream<Failure> nimbleFailures() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode schemaErrors = json.createObjectNode();
    schemaErrors
        .putArray("schema_validation_errors")
        .addObject()
        .put("instancePath", "/driver")
        .put("keyword", "enum")
        .put("message", "must be equal to one of the allowed values");
    ObjectNode taskFailed =
        json.createObjectNode().put("task_state", "error").put("error_type", (String) null);
    ObjectNode tooLarge =
        json.createObjectNode()
            .put("results_url", "https://sdk.nimbleway.com/v1/tasks/" + TASK + "/results")
            .put("size_bytes", 10_485_761L)
            .put("limit_bytes", 10_485_760L);
    String agent =
        "{\"request_id\":\"pdp-1\",\"agent\":{\"agent\":\"amazon_pdpx\",\"params\":{\"asin\":\"B0\"}}}";
    return Stream.of(
        nimbleFailure(
            VALID_REQUEST,
            "submit",
            "INVALID_REQUEST",
            400,
            schemaErrors,
            0,
            null,
            "HTTP 400: PARAMETERS_FAILED_JSON_SCHEMA_VALIDATION_ERROR"),
        nimbleFailure(
            agent, "submit", "NOT_FOUND", 404, null, 0, null, "HTTP 404: Agent not found"),
        nimbleFailure(VALID_REQUEST, "submit", "REJECTED", 409, null, 1, TASK, "HTTP 409"),
        nimbleFailure(
            VALID_REQUEST, "task", "TASK_FAILED", null, taskFailed, 3, TASK, "Connection timeout"),
        nimbleFailure(
            VALID_REQUEST,
            "task",
            "TASK_EXPIRED",
            404,
            null,
            1,
            TASK,
            "Nimble no longer knows the task (HTTP 404: Task not found)"),
        nimbleFailure(
            VALID_REQUEST,
            "results",
            "RESULT_TOO_LARGE",
            null,
            tooLarge,
            1,
            TASK,
            "the result of task " + TASK + " is larger than the limit of 10485760 bytes"),
        nimbleFailure(
            VALID_REQUEST,
            "results",
            "INVALID_RESULT",
            null,
            null,
            1,
            TASK,
            "Nimble's result body is not valid JSON"),
        nimbleFailure(VALID_REQUEST, "results", "REJECTED", 410, null, 2, TASK, "HTTP 410: Gone"));
  }

  @Test
  void aFailureWithoutItsErrorFailsTheSchema() throws IOException {
    ObjectNode value = (ObjectNode) json.readTree(rejected("{}".getBytes()).value());
    assertThat(Contracts.errors("failure", value)).isEmpty();
    value.remove("error");
    assertThat(Contracts.errors("failure", value))
        .extracting(Error::getKeyword)
        .contains("required");
  }

  @Test
  void aFailureWhoseCodeDoesNotBelongToItsStageFailsTheSchema() throws IOException {
    Failure expired =
        nimbleFailure(VALID_REQUEST, "task", "TASK_EXPIRED", 404, null, 1, TASK, "gone");
    ObjectNode value = (ObjectNode) json.readTree(outcomes.failure(expired, NOW).value());
    assertThat(Contracts.errors("failure", value)).isEmpty();
    value.put("stage", "submit");
    assertThat(Contracts.locations(Contracts.errors("failure", value))).contains("/error/code");
  }

  // ---- state ---------------------------------------------------------------------------------

  @Test
  void aCrawlsStateRecordWithItsPublishedPagesMatchesTheSchema() throws IOException {
    StateCodec codec = new StateCodec(json);
    java.util.BitSet pages = new java.util.BitSet();
    pages.set(0);
    pages.set(9_999);
    StoredTask task =
        new StoredTask(
            "crawl-1",
            "c-5f0c",
            Kind.CRAWL,
            1,
            1_700_000_000_000L,
            1_700_000_000_000L,
            REQUESTS,
            OFFSET,
            "{\"request_id\":\"crawl-1\",\"crawl\":{\"url\":\"https://a.io\"}}"
                .getBytes(StandardCharsets.UTF_8),
            true,
            null,
            null,
            null,
            new dev.nimblekafka.task.CrawlProgress.Saved(
                pages.toByteArray(), 10_000, -42L, 1, 1, "cancel"));
    byte[] value = codec.encode(task);

    assertValid("state", value);
    assertThat(codec.decode(value).crawl().endedBy()).isEqualTo("cancel");
    assertThat(java.util.BitSet.valueOf(codec.decode(value).crawl().published())).isEqualTo(pages);
    assertThat(codec.decode(value).crawl().fingerprint()).isEqualTo(-42L);
  }

  @Test
  void aUsageRecordTheWorkerWritesMatchesTheSchema() {
    UsageCodec codec = new UsageCodec(json);
    Usage usage =
        new Usage(
            "acme",
            java.time.LocalDate.of(2026, 3, 1),
            PARTITION,
            3,
            2,
            1,
            0,
            7,
            Map.of("vx6", 1L, "unknown", 1L),
            new java.math.BigDecimal("0.0018"));

    JsonNode value = assertValid("usage", codec.encode(usage, NOW.toEpochMilli()));

    assertThat(value.path("cost_usd").decimalValue()).isEqualByComparingTo("0.0018");
    assertThat(codec.decode(codec.encode(usage, NOW.toEpochMilli()))).isEqualTo(usage);
  }

  @Test
  void aUsageRecordWithANegativeCountFailsTheSchema() throws IOException {
    ObjectNode example =
        (ObjectNode) Contracts.document("usage").path("examples").get(0).deepCopy();
    assertThat(Contracts.errors("usage", example)).isEmpty();
    example.put("succeeded", -1);
    assertThat(Contracts.locations(Contracts.errors("usage", example))).contains("/succeeded");
  }

  @Test
  void aStateRecordMatchesTheSchemaAndReadsBack() {
    StateCodec codec = new StateCodec(json);
    long submitted = NOW.toEpochMilli();
    StoredTask task =
        new StoredTask(
            "order-42",
            TASK,
            Kind.EXTRACT,
            2,
            submitted,
            submitted - 60_000,
            REQUESTS,
            OFFSET,
            VALID_REQUEST.getBytes(StandardCharsets.UTF_8),
            true,
            null,
            dev.nimblekafka.request.RequestHeaders.restored(
                List.of(
                    new dev.nimblekafka.request.RequestHeaders.Header(
                        "traceparent",
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                            .getBytes(StandardCharsets.UTF_8)),
                    new dev.nimblekafka.request.RequestHeaders.Header("no-value", null)),
                2));
    byte[] value = codec.encode(task);

    JsonNode state = assertValid("state", value);
    assertThat(state.path("request").path("request_id").asText()).isEqualTo("order-42");
    assertThat(codec.decode(value).taskId()).isEqualTo(TASK);
    var headers = codec.decode(value).headers();
    assertThat(headers.kept())
        .extracting(dev.nimblekafka.request.RequestHeaders.Header::name)
        .containsExactly("traceparent", "no-value");
    assertThat(new String(headers.kept().get(0).value(), StandardCharsets.UTF_8))
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(headers.kept().get(1).value()).isNull();
    assertThat(headers.dropped()).isEqualTo(2);
    assertThat(OutcomeRecords.tombstone("nimble.worker.state", PARTITION, "order-42").value())
        .as("a tombstone ends the task")
        .isNull();
  }

  @Test
  void aStateRecordWithoutItsTaskIdFailsTheSchema() throws IOException {
    StoredTask task =
        new StoredTask(
            "order-42",
            TASK,
            Kind.EXTRACT,
            1,
            1L,
            1L,
            REQUESTS,
            OFFSET,
            VALID_REQUEST.getBytes(),
            false,
            null);
    ObjectNode value = (ObjectNode) json.readTree(new StateCodec(json).encode(task));
    assertThat(Contracts.errors("state", value)).isEmpty();
    value.remove("task_id");
    assertThat(Contracts.errors("state", value)).extracting(Error::getKeyword).contains("required");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private JsonNode assertValid(String contract, byte[] value) {
    JsonNode node;
    try {
      node = json.readTree(value);
    } catch (IOException e) {
      throw new AssertionError(
          "the " + contract + " record is not JSON: " + new String(value, StandardCharsets.UTF_8),
          e);
    }
    List<Error> errors = Contracts.errors(contract, node);
    assertThat(errors).as("%s record %s", contract, node).isEmpty();
    return node;
  }

  private ParseResult parse(byte[] value) {
    return parser.parse(REQUESTS, PARTITION, OFFSET, value);
  }

  /** The failure record of a request the parser refuses, built as the worker builds it. */
  private ProducerRecord<byte[], byte[]> rejected(byte[] value) {
    ParseResult parsed = parse(value);
    assertThat(parsed).isInstanceOf(ParseResult.Invalid.class);
    RequestError error = ((ParseResult.Invalid) parsed).error();
    return outcomes.failure(
        new Failure(
            error.requestId(),
            false,
            null,
            error.stage(),
            error.code(),
            error.message(),
            null,
            validationDetails(error),
            0,
            RequestMetadata.of(value),
            new RequestRecord(REQUESTS, PARTITION, OFFSET, null, value),
            "dev.nimblekafka.request.RequestError"),
        NOW);
  }

  /** The details the worker gives a refused request: the field and the limit broken. */
  private static JsonNode validationDetails(RequestError error) {
    if (error.field() == null) {
      return null;
    }
    ObjectNode details = new ObjectMapper().createObjectNode();
    details.put("field", error.field());
    if (error.limit() != null) {
      details.putPOJO("limit", error.limit());
    }
    return details;
  }

  private static Failure nimbleFailure(
      String request,
      String stage,
      String code,
      Integer status,
      JsonNode details,
      int attempts,
      String taskId,
      String message) {
    String id = request.contains("\"request_id\":\"pdp-1\"") ? "pdp-1" : "order-42";
    return new Failure(
        id,
        false,
        taskId,
        stage,
        code,
        message,
        status,
        details,
        attempts,
        RequestMetadata.of(request.getBytes(StandardCharsets.UTF_8)),
        new RequestRecord(
            REQUESTS, PARTITION, OFFSET, null, request.getBytes(StandardCharsets.UTF_8)),
        "dev.nimblekafka.nimble.NimbleException");
  }

  private static Completion completion(
      String request, int attempts, byte[] result, String location, String storageType) {
    long completed = NOW.toEpochMilli();
    return new Completion(
        "order-42",
        TASK,
        "extract",
        attempts,
        completed - 4_363,
        completed,
        RequestMetadata.of(request.getBytes(StandardCharsets.UTF_8)),
        result,
        location,
        storageType);
  }

  private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
    Map<String, String> headers = new HashMap<>();
    for (Header header : record.headers()) {
      headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }

  /** Paths of declared properties (not those restated inside if/then/oneOf) with no description. */
  private static List<String> undescribedProperties(JsonNode schema, String path) {
    List<String> missing = new ArrayList<>();
    if (!schema.isObject()) {
      return missing;
    }
    Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
    while (properties.hasNext()) {
      Map.Entry<String, JsonNode> property = properties.next();
      String at = path + "/" + property.getKey();
      if (!property.getValue().path("description").isTextual()) {
        missing.add(at);
      }
      missing.addAll(undescribedProperties(property.getValue(), at));
    }
    missing.addAll(undescribedProperties(schema.path("items"), path + "[]"));
    Iterator<Map.Entry<String, JsonNode>> defs = schema.path("$defs").fields();
    while (defs.hasNext()) {
      Map.Entry<String, JsonNode> def = defs.next();
      missing.addAll(undescribedProperties(def.getValue(), "#/$defs/" + def.getKey()));
    }
    return missing;
  }
}
