package dev.nimblekafka.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.request.RequestHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Outcomes framed with their registered schema ids, and dressed as CloudEvents. */
class OutcomeWireTest {
  private final ObjectMapper json = new ObjectMapper();

  private OutcomeRecords records(OutcomeFormat format) {
    return new OutcomeRecords(json, "results", "failures", 8_192, format);
  }

  private static Completion completion(RequestHeaders headers) {
    return new Completion(
        "r-1",
        "t-1",
        "extract",
        1,
        1_000,
        2_000,
        null,
        "{\"ok\":true}".getBytes(StandardCharsets.UTF_8),
        null,
        null,
        headers);
  }

  private static Failure failure() {
    return new Failure(
        "r-1",
        false,
        "t-1",
        "task",
        "TASK_FAILED",
        "failed",
        null,
        null,
        1,
        null,
        new RequestRecord("requests", 0, 7, null, "{}".getBytes(StandardCharsets.UTF_8)),
        "x");
  }

  private static String text(ProducerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Test
  void aResultInCloudEventsBinaryModeCarriesTheRequiredAttributes() throws Exception {
    OutcomeRecords records =
        records(new OutcomeFormat(null, new CloudEvents("/nimble-kafka-worker/requests")));
    ProducerRecord<byte[], byte[]> result = records.result(completion(null)).orElseThrow();
    assertThat(text(result, "ce_specversion")).isEqualTo("1.0");
    assertThat(text(result, "ce_id")).isEqualTo("r-1/result");
    assertThat(text(result, "ce_source")).isEqualTo("/nimble-kafka-worker/requests");
    assertThat(text(result, "ce_type")).isEqualTo(CloudEvents.RESULT_TYPE);
    assertThat(text(result, "ce_time")).isEqualTo(Instant.ofEpochMilli(2_000).toString());
    assertThat(text(result, "ce_subject")).isEqualTo("r-1");
    assertThat(text(result, "content-type")).isEqualTo("application/json");
    assertThat(json.readTree(result.value()).get("request_id").asText())
        .as("binary mode: the value is the data as it was")
        .isEqualTo("r-1");
  }

  @Test
  void aReplayedFailureKeepsItsCloudEventId() {
    OutcomeRecords records = records(new OutcomeFormat(null, new CloudEvents("/w")));
    ProducerRecord<byte[], byte[]> first = records.failure(failure(), Instant.ofEpochSecond(10));
    ProducerRecord<byte[], byte[]> again = records.failure(failure(), Instant.ofEpochSecond(99));
    assertThat(text(first, "ce_id")).isEqualTo("r-1/failure").isEqualTo(text(again, "ce_id"));
    assertThat(text(first, "ce_type")).isEqualTo(CloudEvents.FAILURE_TYPE);
    assertThat(text(first, "ce_time")).isEqualTo("1970-01-01T00:00:10Z");
  }

  @Test
  void theRequestsOwnCloudEventHeadersDoNotReachTheOutcome() {
    RecordHeaders carried = new RecordHeaders();
    carried.add("ce_id", "upstream-id".getBytes(StandardCharsets.UTF_8));
    carried.add("ce_partitionkey", "p".getBytes(StandardCharsets.UTF_8));
    carried.add("content-type", "text/plain".getBytes(StandardCharsets.UTF_8));
    carried.add("tenant", "acme".getBytes(StandardCharsets.UTF_8));
    OutcomeRecords records = records(new OutcomeFormat(null, new CloudEvents("/w")));
    ProducerRecord<byte[], byte[]> result =
        records.result(completion(RequestHeaders.of(carried))).orElseThrow();
    assertThat(result.headers().headers("ce_id")).hasSize(1);
    assertThat(text(result, "ce_id")).isEqualTo("r-1/result");
    assertThat(result.headers().lastHeader("ce_partitionkey")).isNull();
    assertThat(result.headers().headers("content-type")).hasSize(1);
    assertThat(text(result, "tenant")).isEqualTo("acme");
  }

  @Test
  void theEventHeadersOfTheLongestIdAndSourceFitTheRoomKeptForThem() {
    String id = "\uD83D\uDE00".repeat(256); // 256 characters of 4 UTF-8 bytes each
    String source = "/" + "s".repeat(CloudEvents.MAX_SOURCE_LENGTH - 1);
    RecordHeaders headers = new RecordHeaders();
    new CloudEvents(source)
        .dress(
            headers,
            CloudEvents.FAILURE_TYPE,
            id,
            "failure",
            Instant.parse("2026-12-31T23:59:59.999Z"),
            "https://nimblekafka.dev/schemas/failure.schema.json");
    int bytes = 0;
    for (Header header : headers) {
      bytes += header.key().getBytes(StandardCharsets.UTF_8).length + header.value().length;
    }
    assertThat(bytes).isLessThanOrEqualTo(CloudEvents.MAX_BYTES);
  }

  @Test
  void withoutCloudEventsNoCeHeaderIsAdded() {
    ProducerRecord<byte[], byte[]> result =
        records(OutcomeFormat.PLAIN).result(completion(null)).orElseThrow();
    assertThat(List.of(result.headers().toArray())).isEmpty();
  }

  @Test
  void withSchemaIdsResultsAndFailuresAreFramedWithTheirOwn() throws Exception {
    OutcomeRecords records = records(new OutcomeFormat(new OutcomeFormat.SchemaIds(11, 12), null));
    byte[] result = records.result(completion(null)).orElseThrow().value();
    byte[] failure = records.failure(failure(), Instant.EPOCH).value();
    assertThat(result[0]).isZero();
    assertThat(ByteBuffer.wrap(result, 1, 4).getInt()).isEqualTo(11);
    assertThat(json.readTree(Arrays.copyOfRange(result, 5, result.length)).get("state").asText())
        .isEqualTo("succeeded");
    assertThat(failure[0]).isZero();
    assertThat(ByteBuffer.wrap(failure, 1, 4).getInt()).isEqualTo(12);
    assertThat(
            json.readTree(Arrays.copyOfRange(failure, 5, failure.length))
                .get("error")
                .get("code")
                .asText())
        .isEqualTo("TASK_FAILED");
  }
}
