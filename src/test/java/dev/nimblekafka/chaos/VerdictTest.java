package dev.nimblekafka.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The exactly-once check's reading of a crawl: page records apart, the summary its outcome. */
class VerdictTest {
  private static final String RESULTS = "chaos.results";
  private static final String ID = "chaos-crawl-0";

  private static final ChaosRequests.Request CRAWL =
      HostileScenarios.crawlRequest("chaos", "https://links8.shop.example/", 3);

  private static Outcome record(long offset, String json) {
    return Outcome.of(
        new ConsumerRecord<>(
            RESULTS,
            0,
            offset,
            ID.getBytes(StandardCharsets.UTF_8),
            json.getBytes(StandardCharsets.UTF_8)));
  }

  private static Outcome page(long offset, String task) {
    return record(
        offset,
        "{\"request_id\":\"%s\",\"kind\":\"crawl\",\"record\":\"page\",\"task_id\":\"%s\"}"
            .formatted(ID, task));
  }

  private static Outcome summary(long offset, int succeeded) {
    return record(
        offset,
        ("{\"request_id\":\"%s\",\"kind\":\"crawl\",\"state\":\"succeeded\",\"metadata\":{\"i\":0},"
                + "\"result\":{\"crawl_id\":\"c1\",\"pages\":{\"succeeded\":%d}}}")
            .formatted(ID, succeeded));
  }

  @Test
  void pageRecordsAreCountedApartFromTheCrawlsOneOutcome() {
    List<Outcome> outcomes = List.of(page(0, "t1"), page(1, "t2"), page(2, "t3"), summary(3, 3));

    Verdict v = Verdict.of(List.of(CRAWL), outcomes, RESULTS);

    assertThat(v.passed()).as(String.join("; ", v.violations())).isTrue();
    assertThat(v.outcomeRecords).isEqualTo(1);
    assertThat(v.pageRecords).isEqualTo(3);
    assertThat(v.pages.get(ID)).containsOnlyKeys("t1", "t2", "t3");
    assertThat(v.pagesPublishedTwice(ID)).isZero();
    assertThat(v.published.get(CRAWL.ref()).pagesSucceeded()).isEqualTo(3);
  }

  @Test
  void aPagePublishedTwiceIsCountedByItsTask() {
    List<Outcome> outcomes = new ArrayList<>(List.of(page(0, "t1"), page(1, "t2")));
    outcomes.add(page(2, "t1"));
    outcomes.add(summary(3, 2));

    Verdict v = Verdict.of(List.of(CRAWL), outcomes, RESULTS);

    assertThat(v.pagesPublishedTwice(ID)).isEqualTo(1);
    assertThat(v.duplicated).as("the summary is still the one outcome").isEmpty();
  }

  @Test
  void aSecondSummaryIsASecondOutcome() {
    Verdict v =
        Verdict.of(List.of(CRAWL), List.of(page(0, "t1"), summary(1, 1), summary(2, 1)), RESULTS);

    assertThat(v.duplicated).containsOnlyKeys(CRAWL.ref());
  }
}
