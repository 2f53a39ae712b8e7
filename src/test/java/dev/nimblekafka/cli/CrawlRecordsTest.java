package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** How the command line reads a crawl's page records and its summary from the results topic. */
class CrawlRecordsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RESULTS = "nimble.results";

  static final String FAILED_PAGE =
      "{\"request_id\":\"crawl-1\",\"kind\":\"crawl\",\"record\":\"page\",\"crawl_id\":\"c-5f0c\","
          + "\"page_index\":4,\"task_id\":\"t-4\",\"url\":\"https://shop.example/docs\","
          + "\"state\":\"failed\",\"completed_at\":\"2026-03-01T09:15:05.020Z\",\"metadata\":null,"
          + "\"error\":{\"code\":\"PAGE_FAILED\",\"message\":\"page returned 404\"}}";

  static final String PAGE =
      "{\"request_id\":\"crawl-1\",\"kind\":\"crawl\",\"record\":\"page\",\"crawl_id\":\"c-5f0c\","
          + "\"page_index\":3,\"task_id\":\"t-3\",\"url\":\"https://shop.example/blog\","
          + "\"state\":\"succeeded\",\"completed_at\":\"2026-03-01T09:15:04.512Z\",\"metadata\":null,"
          + "\"result\":{\"url\":\"https://shop.example/blog\",\"data\":{\"markdown\":\"# Blog\"}}}";

  static String summary(String crawlState) {
    return "{\"request_id\":\"crawl-1\",\"task_id\":\"c-5f0c\",\"kind\":\"crawl\","
        + "\"state\":\"succeeded\",\"attempts\":1,\"metadata\":null,\"result\":{"
        + "\"crawl_id\":\"c-5f0c\",\"crawl_state\":\""
        + crawlState
        + "\",\"nimble_state\":\""
        + crawlState
        + "\",\"pages\":{\"listed\":20,\"succeeded\":19,\"failed\":1,\"not_run\":0},"
        + "\"started_at\":\"2026-03-01T09:15:00.000Z\",\"ended_at\":\"2026-03-01T09:15:12.345Z\","
        + "\"duration_ms\":12345}}";
  }

  static OutcomeReader.Outcome outcome(String json) {
    return OutcomeReader.parse(
        new ConsumerRecord<>(
            RESULTS,
            0,
            0,
            "crawl-1".getBytes(StandardCharsets.UTF_8),
            json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aPageRecordIsNotTheOutcomeOfItsRequest() {
    OutcomeReader.Tally tally = new OutcomeReader.Tally(Set.of("crawl-1"), RESULTS);

    assertThat(tally.count(outcome(PAGE))).isFalse();
    assertThat(tally.count(outcome(FAILED_PAGE))).isFalse();
    assertThat(tally.done()).isFalse();

    assertThat(tally.count(outcome(summary("succeeded")))).isTrue();
    assertThat(tally.done()).isTrue();
    assertThat(tally.summary().results()).isEqualTo(1);
    assertThat(tally.summary().failures()).isZero();
  }

  @Test
  void aFailedPageIsPrintedAsAPageNotAsAFailedRequest() throws Exception {
    JsonNode page = JSON.readTree(FAILED_PAGE);
    String line = TailCommand.line(outcome(FAILED_PAGE));

    assertThat(line).doesNotContain("FAILED  crawl-1");
    assertThat(line)
        .contains("PAGE")
        .contains("crawl-1")
        .contains("#4")
        .contains("failed")
        .contains("PAGE_FAILED")
        .contains(page.path("url").asText());
  }

  @Test
  void aPageOfAnAwaitedCrawlIsItsUntilTheSummaryArrives() {
    OutcomeReader.Tally tally = new OutcomeReader.Tally(Set.of("crawl-1"), RESULTS);

    assertThat(tally.awaits("crawl-1")).isTrue();
    assertThat(tally.awaits("someone-else")).isFalse();
    tally.count(outcome(summary("succeeded")));
    assertThat(tally.awaits("crawl-1")).isFalse();
  }

  @Test
  void aCrawlThatFailedOrWasCanceledIsCountedAsUnsuccessful() {
    OutcomeReader.Tally tally =
        new OutcomeReader.Tally(Set.of("crawl-1", "crawl-2", "crawl-3"), RESULTS);

    tally.count(outcome(summary("canceled")));
    tally.count(outcome(summary("failed").replace("crawl-1", "crawl-2")));
    tally.count(outcome(summary("succeeded").replace("crawl-1", "crawl-3")));

    assertThat(tally.summary())
        .isEqualTo(new OutcomeReader.Summary(3, 0, 2))
        .extracting(OutcomeReader.Summary::unsuccessful)
        .isEqualTo(2);
  }

  @Test
  void aPageThatSucceededShowsItsIndexUrlAndSize() {
    String line = TailCommand.line(outcome(PAGE));

    assertThat(line)
        .matches(
            "\\d\\d:\\d\\d:\\d\\d  PAGE    crawl-1  #3  succeeded  https://shop.example/blog  \\d+ B");
  }

  @Test
  void theSummaryIsPrintedAsACrawlWithItsPageCounts() {
    assertThat(TailCommand.line(outcome(summary("succeeded"))))
        .endsWith(
            "  OK      crawl-1  crawl c-5f0c succeeded  20 pages: 19 succeeded, 1 failed, 0 not run"
                + "  in 12.3s");
    assertThat(TailCommand.line(outcome(summary("canceled"))))
        .contains("  FAILED  crawl-1  crawl c-5f0c canceled  20 pages:");
  }

  @Test
  void sizesAndDurationsReadAsAPersonWritesThem() {
    assertThat(CrawlLines.size(512)).isEqualTo("512 B");
    assertThat(CrawlLines.size(12_800)).isEqualTo("12.5 KB");
    assertThat(CrawlLines.size(3 * 1024 * 1024)).isEqualTo("3.0 MB");
    assertThat(CrawlLines.duration(12_345)).isEqualTo("12.3s");
    assertThat(CrawlLines.duration(125_000)).isEqualTo("2m05s");
  }
}
