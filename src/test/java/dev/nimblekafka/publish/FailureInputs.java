package dev.nimblekafka.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestError;
import dev.nimblekafka.request.RequestInputs;
import dev.nimblekafka.request.RequestParser;
import dev.nimblekafka.testkit.RequestMetadata;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The {@link Failure}s the worker builds, from generated inputs: for records the parser refuses (as
 * the consume loop builds them) and for requests Nimble refused or failed.
 */
public final class FailureInputs {
  public static final String TOPIC = "nimble.requests";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RequestParser PARSER = new RequestParser(JSON);

  private FailureInputs() {}

  /** The failure for a refused record, built as the worker's admission builds it; null if valid. */
  public static Failure refused(byte[] value, long offset) {
    ParseResult result = PARSER.parse(TOPIC, 0, offset, value);
    if (!(result instanceof ParseResult.Invalid invalid)) {
      return null;
    }
    RequestError error = invalid.error();
    ObjectNode details = null;
    if (error.field() != null) {
      details = new ObjectMapper().createObjectNode().put("field", error.field());
      if (error.limit() != null) {
        details.putPOJO("limit", error.limit());
      }
    }
    return new Failure(
        error.requestId(),
        error.requestId().equals(RequestParser.derivedId(TOPIC, 0, offset)),
        null,
        error.stage(),
        error.code(),
        error.message(),
        null,
        details,
        0,
        error.metadata(),
        new RequestRecord(TOPIC, 0, offset, null, value),
        RequestError.class.getName());
  }

  /** Record values of every kind, refused ones most of the time, some of them large. */
  public static Arbitrary<byte[]> recordValues() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, RequestInputs.badBytes()),
        Tuple.of(4, RequestInputs.requestLike().map(RequestInputs::bytes)),
        Tuple.of(1, largeRequests()),
        Tuple.of(1, Arbitraries.just((byte[]) null)));
  }

  /** Requests with a large part: metadata, an unknown field, or a format that is not one. */
  public static Arbitrary<byte[]> largeRequests() {
    return Combinators.combine(
            Arbitraries.of("metadata", "unknown", "format", "url", "id"),
            Arbitraries.integers().between(1, 1_200_000).edgeCases(e -> e.add(65_536, 1_048_576)),
            Arbitraries.of('x', '\u00e9', '\u4e2d', '"', '\u0001'))
        .as(
            (where, size, c) -> {
              String big =
                  JSON.getNodeFactory().textNode(String.valueOf(c).repeat(size)).toString();
              String value =
                  switch (where) {
                    case "metadata" -> "{\"metadata\":" + big + ",\"extract\":{}}";
                    case "unknown" -> "{\"extract\":{\"url\":\"ftp://a\",\"x\":" + big + "}}";
                    case "format" ->
                        "{\"extract\":{\"url\":\"https://a.io\",\"formats\":[" + big + "]}}";
                    case "url" -> "{\"extract\":{\"url\":" + big + "}}";
                    default -> "{\"request_id\":" + big + ",\"extract\":{}}";
                  };
              return value.getBytes(StandardCharsets.UTF_8);
            });
  }

  /** Failures after submission: Nimble's refusals, failed and expired tasks, results trouble. */
  public static Arbitrary<Failure> afterSubmission() {
    // Nimble's HTTP answers are quoted in at most 300 characters; a task's error text is not cut
    Arbitrary<String> nimbleText = RequestInputs.anyText(300);
    Arbitrary<String> taskError =
        Arbitraries.frequencyOf(
            Tuple.of(5, RequestInputs.anyText(300)),
            Tuple.of(1, RequestInputs.anyText(5).map(s -> s.repeat(40_000))));
    Arbitrary<JsonNode> nimbleDetails =
        Arbitraries.frequencyOf(
            Tuple.of(3, RequestInputs.anyJson(3)),
            Tuple.of(1, Arbitraries.just((JsonNode) null)),
            Tuple.of(
                1,
                RequestInputs.anyText(5)
                    .map(s -> JSON.createObjectNode().put("echo", s.repeat(50_000)))));
    Arbitrary<String> taskIds =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("0123456789abcdef-").ofMinLength(1).ofMaxLength(36),
            RequestInputs.anyText(128).filter(s -> !s.isEmpty()));
    return Combinators.combine(
            Arbitraries.integers().between(0, 7),
            RequestInputs.validRequests().map(RequestInputs::bytes),
            Combinators.combine(nimbleText, taskError).as(Tuple::of),
            nimbleDetails,
            taskIds,
            Arbitraries.integers().between(1, 5),
            Arbitraries.longs().between(0, Long.MAX_VALUE / 2))
        .as(
            (kind, request, texts, details, taskId, attempts, size) -> {
              String text = texts.get1();
              String error = texts.get2();
              return switch (kind) {
                case 0 ->
                    failure("submit", "INVALID_REQUEST", null, 400, text, details, 0, request);
                case 1 -> failure("submit", "NOT_FOUND", null, 404, text, details, 0, request);
                case 2 ->
                    failure("submit", "REJECTED", taskId, 409, text, details, attempts, request);
                case 3 ->
                    failure(
                        "task",
                        "TASK_FAILED",
                        taskId,
                        null,
                        error,
                        JSON.createObjectNode().put("task_state", "error").put("error_type", error),
                        attempts,
                        request);
                case 4 ->
                    failure("task", "TASK_EXPIRED", taskId, 404, text, null, attempts, request);
                case 5 ->
                    failure(
                        "results",
                        "RESULT_TOO_LARGE",
                        taskId,
                        null,
                        "the result of task " + taskId + " is larger than the limit",
                        JSON.createObjectNode()
                            .put("results_url", "https://sdk.nimbleway.com/v1/tasks/" + taskId)
                            .put("size_bytes", size)
                            .put("limit_bytes", 1_000_000),
                        attempts,
                        request);
                case 6 ->
                    failure(
                        "results", "INVALID_RESULT", taskId, null, text, null, attempts, request);
                default ->
                    failure("results", "REJECTED", taskId, 403, text, details, attempts, request);
              };
            });
  }

  private static Failure failure(
      String stage,
      String code,
      String taskId,
      Integer status,
      String message,
      JsonNode details,
      int attempts,
      byte[] request) {
    return new Failure(
        "req-1",
        false,
        taskId,
        stage,
        code,
        status == null ? message : "HTTP " + status + ": " + message,
        status,
        details,
        attempts,
        RequestMetadata.of(request),
        new RequestRecord(TOPIC, 1, 77, null, request),
        "dev.nimblekafka.nimble.NimbleException");
  }

  /**
   * An upper bound of the bytes a record takes in a Kafka batch of one (what the producer compares
   * with {@code max.request.size} and the broker with {@code max.message.bytes}): the batch header
   * (61), the record's own overhead (at most 21), and its key, value and headers with their length
   * prefixes (at most 5 bytes each).
   */
  public static int sizeInBatch(ProducerRecord<byte[], byte[]> record) {
    int size = 61 + 21;
    size += record.key() == null ? 0 : record.key().length;
    size += record.value() == null ? 0 : record.value().length;
    size += 5;
    for (Header header : record.headers()) {
      size += 5 + header.key().getBytes(StandardCharsets.UTF_8).length;
      size += 5 + (header.value() == null ? 0 : header.value().length);
    }
    return size;
  }
}
