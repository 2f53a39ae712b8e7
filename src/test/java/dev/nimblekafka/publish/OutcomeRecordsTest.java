package dev.nimblekafka.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.testkit.RequestMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutcomeRecordsTest {
  private final ObjectMapper json = new ObjectMapper();
  private final OutcomeRecords records = new OutcomeRecords(json, "results", "failures", 8_192);

  private Failure failure(String request) {
    return new Failure(
        "r-1",
        false,
        "t-1",
        "task",
        "TASK_FAILED",
        "failed",
        null,
        null,
        3,
        RequestMetadata.of(request.getBytes(StandardCharsets.UTF_8)),
        new RequestRecord("requests", 2, 40, null, request.getBytes(StandardCharsets.UTF_8)),
        "x");
  }

  @Test
  void aFailureThatCannotFitLosesTheRequestThenTheMetadataButNeverTheId() throws Exception {
    String bigMetadata = "{\"metadata\":{\"blob\":\"" + "m".repeat(20_000) + "\"}}";
    var record = records.failure(failure(bigMetadata), Instant.EPOCH);
    assertThat(record.value().length).isLessThan(8_192);
    JsonNode value = json.readTree(record.value());
    assertThat(value.path("request_id").asText()).isEqualTo("r-1");
    assertThat(value.path("error").path("code").asText()).isEqualTo("TASK_FAILED");
    assertThat(value.has("request")).isFalse();
    assertThat(value.path("request_omitted").asText()).contains("does not fit");
    assertThat(value.path("metadata").isNull()).isTrue();
  }

  @Test
  void deadLetterHeadersNameTheSource() {
    var record = records.failure(failure("{\"extract\":{}}"), Instant.EPOCH);
    assertThat(new String(record.headers().lastHeader("__connect.errors.topic").value()))
        .isEqualTo("requests");
    assertThat(new String(record.headers().lastHeader("__connect.errors.partition").value()))
        .isEqualTo("2");
    assertThat(new String(record.headers().lastHeader("__connect.errors.offset").value()))
        .isEqualTo("40");
    assertThat(new String(record.key())).isEqualTo("r-1");
  }

  @Test
  void bytesOnlyAnotherEncodingMakesJsonAreNotEmbedded() throws Exception {
    byte[] utf16 = "{\"a\":1}".getBytes(StandardCharsets.UTF_16LE);
    assertThat(records.isJson(utf16)).isFalse();
    Failure f =
        new Failure(
            "r",
            false,
            null,
            "parse",
            "INVALID_JSON",
            "m",
            null,
            null,
            0,
            RequestMetadata.of(utf16),
            new RequestRecord("t", 0, 0, null, utf16),
            "x");
    JsonNode value = json.readTree(records.failure(f, Instant.EPOCH).value());
    assertThat(value.has("request_base64")).isTrue();
  }
}
