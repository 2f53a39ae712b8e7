package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request {@code submit --crawl} builds, its progress line and its exit code. */
class SubmitCrawlTest {

  @Test
  void theOptionsBecomeTheCrawlBodysFields() {
    ObjectNode request =
        CrawlRequest.of(
            "submit-1a2b3c4d-0",
            "https://links3.shop.example/",
            20,
            3,
            List.of("^/docs/", "^/blog/"),
            List.of("/careers"));

    assertThat(request.toString())
        .isEqualTo(
            "{\"request_id\":\"submit-1a2b3c4d-0\",\"crawl\":{\"url\":\"https://links3.shop.example/\","
                + "\"limit\":20,\"max_discovery_depth\":3,\"include_paths\":[\"^/docs/\",\"^/blog/\"],"
                + "\"exclude_paths\":[\"/careers\"]}}");
  }

  @Test
  void optionsNotGivenAreLeftToNimble() {
    ObjectNode request =
        CrawlRequest.of("submit-1-0", "https://shop.example/", null, null, List.of(), List.of());

    assertThat(request.path("crawl").toString()).isEqualTo("{\"url\":\"https://shop.example/\"}");
  }

  @Test
  void aLimitOutOfRangeIsRefusedNamingTheOptionAndTheLimit() {
    assertThatThrownBy(
            () ->
                CrawlRequest.of(
                    "submit-1-0", "https://shop.example/", 20_000, null, List.of(), List.of()))
        .isInstanceOf(BadInput.class)
        .hasMessageStartingWith("--limit: crawl.limit must be a whole number from 1 to 10000")
        .hasMessageContaining("nothing was sent");
    assertThatThrownBy(
            () ->
                CrawlRequest.of(
                    "submit-1-0", "https://shop.example/", null, 0, List.of(), List.of()))
        .hasMessageStartingWith(
            "--depth: crawl.max_discovery_depth must be a whole number from 1 to 20");
  }

  @Test
  void aBadUrlOrPatternIsRefusedNamingItsOption() {
    assertThatThrownBy(
            () ->
                CrawlRequest.of(
                    "submit-1-0", "ftp://shop.example/", null, null, List.of(), List.of()))
        .isInstanceOf(BadInput.class)
        .hasMessageStartingWith("--crawl: crawl.url");
    assertThatThrownBy(
            () ->
                CrawlRequest.of(
                    "submit-1-0",
                    "https://shop.example/",
                    null,
                    null,
                    List.of("ok", "("),
                    List.of()))
        .hasMessageStartingWith("--include: crawl.include_paths[1] must be a regular expression");
    assertThatThrownBy(
            () ->
                CrawlRequest.of(
                    "submit-1-0", "https://shop.example/", null, null, List.of(), List.of("[a-")))
        .hasMessageStartingWith("--exclude: crawl.exclude_paths[0]");
  }

  @Test
  void theProgressLineCountsPagesAndTheirRate() {
    assertThat(PageProgress.line(11, 1, 20, 5_000_000_000L))
        .isEqualTo("pages 12 of at most 20  succeeded 11  failed 1  2.4 pages/s  5.0s   ");
    assertThat(PageProgress.line(0, 0, null, 0)).startsWith("pages 0  succeeded 0  failed 0");
  }

  @Test
  void submitWaitSaysARequestFailedWhenACrawlWasCanceledOrAFailureArrived() {
    assertThat(SubmitCommand.exitCode(1, new OutcomeReader.Summary(1, 0, 0)))
        .isEqualTo(ExitCodes.OK);
    assertThat(SubmitCommand.exitCode(1, new OutcomeReader.Summary(1, 0, 1)))
        .isEqualTo(ExitCodes.REQUESTS_FAILED);
    assertThat(SubmitCommand.exitCode(2, new OutcomeReader.Summary(1, 1, 0)))
        .isEqualTo(ExitCodes.REQUESTS_FAILED);
    assertThat(SubmitCommand.exitCode(3, new OutcomeReader.Summary(1, 1, 0)))
        .as("pending wins: the command gave up")
        .isEqualTo(ExitCodes.PARTLY);
  }
}
