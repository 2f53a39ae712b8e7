package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One outcome record as read with read_committed, reduced to what the checks need.
 *
 * @param code the failure's {@code error.code}, null for a result
 * @param url the result's {@code result.url}, null for failures and agent results
 * @param index the {@code metadata.i} echoed from the request, -1 if absent
 * @param page whether this is a crawl's page record ({@code "record":"page"}): one page of a crawl
 *     request, not the request's outcome
 * @param pagesSucceeded a crawl summary's {@code result.pages.succeeded}, -1 for other records
 */
record Outcome(
    String topic,
    int partition,
    long offset,
    String requestId,
    String taskId,
    String stage,
    String code,
    String url,
    int index,
    boolean page,
    int pagesSucceeded) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Outcome of(ConsumerRecord<byte[], byte[]> record) {
    JsonNode value;
    try {
      value = JSON.readTree(record.value());
    } catch (IOException e) {
      value = JSON.createObjectNode().put("request_id", "<unreadable outcome>");
    }
    return new Outcome(
        record.topic(),
        record.partition(),
        record.offset(),
        value.path("request_id").asText(null),
        value.path("task_id").asText(null),
        value.path("stage").asText(null),
        value.path("error").path("code").asText(null),
        value.path("result").path("url").asText(null),
        value.path("metadata").path("i").asInt(-1),
        "page".equals(value.path("record").asText(null)),
        value.path("result").path("pages").path("succeeded").asInt(-1));
  }

  /** {@code results-3@1207 task 8e8c...}, for lists of evidence. */
  String where() {
    return topic
        + "-"
        + partition
        + "@"
        + offset
        + (taskId == null ? "" : " task " + taskId)
        + (code == null ? "" : " " + stage + "/" + code);
  }
}
