package dev.nimblekafka.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.publish.Failure;
import dev.nimblekafka.publish.FailureInputs;
import dev.nimblekafka.publish.OutcomeRecords;
import dev.nimblekafka.publish.RequestRecord;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestInputs;
import dev.nimblekafka.request.RequestParser;
import dev.nimblekafka.testkit.RequestMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The message contracts hold for generated inputs: the request schema accepts a request exactly
 * when the worker does (but for the differences {@code ContractRequestRulesTest} documents), and
 * every failure record the worker writes validates against the failure schema.
 */
class ContractFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RequestParser PARSER = new RequestParser(JSON);
  private static final Instant NOW = Instant.parse("2026-03-01T09:15:02.117Z");

  @Property(tries = 1000)
  void theSchemaAcceptsARequestExactlyWhenTheWorkerDoes(@ForAll("requestLike") ObjectNode root)
      throws Exception {
    byte[] value = RequestInputs.bytes(root);
    boolean worker = PARSER.parse("t", 0, 1, value) instanceof ParseResult.Valid;
    JsonNode parsed;
    try {
      parsed = JSON.readTree(new String(value, StandardCharsets.UTF_8));
    } catch (JsonProcessingException notJson) {
      // e.g. a lone surrogate escaped in a field name: no JSON reader takes it, nor the worker
      assertThat(worker).as("the worker refuses what JSON readers refuse").isFalse();
      return;
    }
    boolean schema = Contracts.errors("request", parsed).isEmpty();
    if (worker != schema) {
      assertThat(documentedDifferences(parsed))
          .as(
              "worker %s, schema %s: %s",
              worker ? "accepts" : "refuses",
              schema ? "accepts" : "refuses",
              Contracts.locations(Contracts.errors("request", parsed)))
          .isNotEmpty();
    }
  }

  @Property(tries = 200)
  void everyFailureForARefusedRecordMatchesTheSchema(@ForAll("recordValues") byte[] value)
      throws Exception {
    Failure failure = FailureInputs.refused(value, 12);
    Assume.that(failure != null);
    assertMatchesSchema(failure, 1_048_588);
  }

  @Property(tries = 150)
  void everyFailureAfterSubmissionMatchesTheSchema(
      @ForAll("afterSubmission") Failure failure, @ForAll("limits") int limit) throws Exception {
    assertMatchesSchema(failure, limit);
  }

  @Example
  void aValidationFailureTooLargeForItsMetadataKeepsItsFieldAndLimit() throws Exception {
    byte[] value =
        ("{\"metadata\":\"" + "m".repeat(1_100_000) + "\",\"extract\":{}}")
            .getBytes(StandardCharsets.UTF_8);
    Failure failure = FailureInputs.refused(value, 12);
    assertThat(failure.details().path("field").asText()).isEqualTo("extract.url");
    assertMatchesSchema(failure, 1_048_588);
  }

  @Example
  void aTaskFailureWithAHugeErrorTextKeepsItsTaskDetails() throws Exception {
    String error = "e".repeat(2_000_000);
    Failure failure =
        new Failure(
            "req-1",
            false,
            "t-1",
            "task",
            "TASK_FAILED",
            error,
            null,
            JSON.createObjectNode().put("task_state", "error").put("error_type", "timeout_error"),
            3,
            RequestMetadata.of(
                "{\"extract\":{\"url\":\"https://a.io\"}}".getBytes(StandardCharsets.UTF_8)),
            new RequestRecord(
                "nimble.requests",
                0,
                5,
                null,
                "{\"extract\":{\"url\":\"https://a.io\"}}".getBytes(StandardCharsets.UTF_8)),
            "dev.nimblekafka.nimble.NimbleException");
    assertMatchesSchema(failure, 1_048_588);
  }

  private static void assertMatchesSchema(Failure failure, int limit) throws Exception {
    // metadata and details came from JSON (a request, Nimble's answer) that readers took: trees
    // no reader takes cannot reach a failure
    Assume.that(readable(failure.metadata()) && readable(failure.details()));
    byte[] value = new OutcomeRecords(JSON, "r", "f", limit).failure(failure, NOW).value();
    JsonNode written = JSON.readTree(new String(value, StandardCharsets.UTF_8));
    assertThat(Contracts.errors("failure", written))
        .as("schema errors of a %s failure at %s", failure.code(), failure.stage())
        .isEmpty();
  }

  private static boolean readable(JsonNode tree) {
    if (tree == null) {
      return true;
    }
    try {
      JSON.readTree(JSON.writeValueAsString(tree));
      return true;
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /**
   * Where the worker and the schema may disagree, as documented: a cookie string (the schema cannot
   * count its parts), characters outside the BMP (counted twice by the worker), and fields the
   * worker passes through that the schema types (storage_compress, render_options).
   */
  static List<String> documentedDifferences(JsonNode root) {
    List<String> found = new ArrayList<>();
    if (root.path("extract").path("cookies").isTextual()) {
      found.add("cookie string");
    }
    if (hasSupplementary(root)) {
      found.add("characters outside the BMP");
    }
    for (JsonNode body :
        List.of(root.path("extract"), root.path("agent"), root.path("agent").path("params"))) {
      JsonNode compress = body.path("storage_compress");
      if (!compress.isMissingNode() && !compress.isNull() && !compress.isBoolean()) {
        found.add("storage_compress type");
      }
    }
    JsonNode render = root.path("extract").path("render_options");
    if (!render.isMissingNode() && !render.isNull() && !render.isObject()) {
      found.add("render_options type");
    }
    if (unpairedSurrogate(root)) {
      found.add("unpaired UTF-16 surrogate (the worker cannot carry it as UTF-8)");
    }
    if (depth(root) > 100) {
      found.add("nesting deeper than 100 levels");
    }
    return found;
  }

  private static boolean unpairedSurrogate(JsonNode node) {
    if (node.isTextual()) {
      return unpaired(node.asText());
    }
    var fields = node.fieldNames();
    while (fields.hasNext()) {
      if (unpaired(fields.next())) {
        return true;
      }
    }
    for (JsonNode child : node) {
      if (unpairedSurrogate(child)) {
        return true;
      }
    }
    return false;
  }

  private static boolean unpaired(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(++i)))) {
        return true;
      }
      if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static int depth(JsonNode node) {
    int deepest = 0;
    for (JsonNode child : node) {
      deepest = Math.max(deepest, depth(child));
    }
    return 1 + deepest;
  }

  private static boolean hasSupplementary(JsonNode node) {
    if (node.isTextual()) {
      return node.asText().codePoints().anyMatch(Character::isSupplementaryCodePoint);
    }
    for (JsonNode child : node) {
      if (hasSupplementary(child)) {
        return true;
      }
    }
    return false;
  }

  @Provide
  Arbitrary<ObjectNode> requestLike() {
    return RequestInputs.requestLike();
  }

  @Provide
  Arbitrary<byte[]> recordValues() {
    return FailureInputs.recordValues();
  }

  @Provide
  Arbitrary<Failure> afterSubmission() {
    return FailureInputs.afterSubmission();
  }

  @Provide
  Arbitrary<Integer> limits() {
    return net.jqwik.api.Arbitraries.integers()
        .between(16_384, 2_097_152)
        .edgeCases(e -> e.add(65_536, 1_048_588));
  }
}
