package dev.nimblekafka.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.request.RequestInputs;
import dev.nimblekafka.testkit.RequestMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Properties of the records the worker publishes: whatever the input, a failure fits the limit the
 * records were built for (so it can always be produced and never blocks a partition), and it
 * carries the request as it was. jqwik prints the seed of any failure.
 */
class OutcomeRecordsFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-03-01T09:15:02.117Z");

  @Property(tries = 200)
  void aFailureForAnyRecordFitsTheLimitItWasBuiltFor(
      @ForAll("recordValues") byte[] value, @ForAll("limits") int limit) {
    Failure failure = FailureInputs.refused(value, 9);
    Assume.that(failure != null);
    ProducerRecord<byte[], byte[]> record =
        new OutcomeRecords(JSON, "results", "failures", limit).failure(failure, NOW);
    assertThat(FailureInputs.sizeInBatch(record))
        .as("a %s failure, message of %d chars", failure.code(), failure.message().length())
        .isLessThanOrEqualTo(limit);
  }

  @Property(tries = 200)
  void aFailureAfterSubmissionFitsTheLimitItWasBuiltFor(
      @ForAll("afterSubmission") Failure failure, @ForAll("limits") int limit) {
    ProducerRecord<byte[], byte[]> record =
        new OutcomeRecords(JSON, "results", "failures", limit).failure(failure, NOW);
    assertThat(FailureInputs.sizeInBatch(record))
        .as("a %s failure, message of %d chars", failure.code(), failure.message().length())
        .isLessThanOrEqualTo(limit);
  }

  @Property(tries = 300)
  void aFailureCarriesTheRecordValueAsItWas(@ForAll("recordValues") byte[] value) throws Exception {
    Failure failure = FailureInputs.refused(value, 9);
    Assume.that(failure != null);
    JsonNode written =
        read(
            new OutcomeRecords(JSON, "results", "failures", 1_048_588)
                .failure(failure, NOW)
                .value());
    if (value == null) {
      assertThat(written.get("request").isNull()).isTrue();
    } else if (written.has("request_base64")) {
      assertThat(Base64.getDecoder().decode(written.get("request_base64").asText()))
          .isEqualTo(value);
    } else if (written.has("request")) {
      assertThat(failure.code())
          .as("a value that is not UTF-8 is carried in base64")
          .isNotEqualTo("INVALID_ENCODING");
      assertThat(written.get("request"))
          .isEqualTo(JSON.readTree(new String(value, StandardCharsets.UTF_8)));
    } else {
      assertThat(written.get("request_omitted").asText()).contains(value.length + " bytes");
    }
  }

  @Property(tries = 200)
  void aResultRecordFitsOrIsLeftForResultTooLarge(
      @ForAll("requests") byte[] request,
      @ForAll("resultSizes") int resultSize,
      @ForAll("limits") int limit) {
    byte[] result = ("{\"data\":\"" + "r".repeat(resultSize) + "\"}").getBytes();
    OutcomeRecords records = new OutcomeRecords(JSON, "results", "failures", limit);
    Completion completion =
        new Completion(
            "req-1", "t-1", "extract", 1, 0, 1, RequestMetadata.of(request), result, null, null);
    records
        .result(completion)
        .ifPresent(r -> assertThat(FailureInputs.sizeInBatch(r)).isLessThanOrEqualTo(limit));
  }

  @Example
  void aFormatOf70kCharactersStillGivesAFailureThatFits64kb() {
    byte[] value =
        ("{\"extract\":{\"url\":\"https://a.io\",\"formats\":[\"" + "x".repeat(70_000) + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    Failure failure = FailureInputs.refused(value, 9);
    ProducerRecord<byte[], byte[]> record =
        new OutcomeRecords(JSON, "results", "failures", 65_536).failure(failure, NOW);
    assertThat(FailureInputs.sizeInBatch(record)).isLessThanOrEqualTo(65_536);
  }

  @Example
  void aValueThatIsNotUtf8IsCarriedInBase64EvenWhenItDecodesToJson() throws Exception {
    byte[] value = {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'};
    Failure failure = FailureInputs.refused(value, 9);
    assertThat(failure.code()).isEqualTo("INVALID_ENCODING");
    JsonNode written =
        read(
            new OutcomeRecords(JSON, "results", "failures", 1_048_588)
                .failure(failure, NOW)
                .value());
    assertThat(written.has("request")).as("a lossy copy in request").isFalse();
    assertThat(Base64.getDecoder().decode(written.path("request_base64").asText()))
        .isEqualTo(value);
  }

  /** Reads as text, as the worker's parser does (bytes would refuse escaped lone surrogates). */
  private static JsonNode read(byte[] value) throws Exception {
    return JSON.readTree(new String(value, StandardCharsets.UTF_8));
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
  Arbitrary<byte[]> requests() {
    return Arbitraries.oneOf(
        RequestInputs.validRequests().map(RequestInputs::bytes), FailureInputs.largeRequests());
  }

  @Provide
  Arbitrary<Integer> resultSizes() {
    return Arbitraries.integers().between(0, 2_000_000);
  }

  /** Record limits from a small topic (16 KB) to a large one, with Kafka's defaults. */
  @Provide
  Arbitrary<Integer> limits() {
    return Arbitraries.integers()
        .between(16_384, 2_097_152)
        .edgeCases(e -> e.add(65_536, 1_048_576, 1_048_588));
  }
}
