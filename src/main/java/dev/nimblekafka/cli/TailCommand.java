package dev.nimblekafka.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.config.ClientSettings;
import dev.nimblekafka.config.ConfigLoader;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Print outcomes as they arrive (results and failures, read_committed), one line each.",
      "A crawl's page records are printed too, one line per page (PAGE, request id, page index,"
          + " state, URL, and the result's size or the error), and its summary, the crawl"
          + " request's outcome, as a crawl line (its state and page counts).",
      "Settings come from KAFKA_BOOTSTRAP_SERVERS, KAFKA_*, RESULTS_TOPIC and FAILURES_TOPIC, in"
          + " the environment or the properties file (--config), as for the worker. A topic that"
          + " does not exist yet is waited for.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  nimble-kafka-worker tail",
      "  nimble-kafka-worker tail --from-beginning --json --max 100 > outcomes.jsonl"
    })
final class TailCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  @Option(names = "--json", description = "Print each full record as one JSON line.")
  boolean json;

  @Option(names = "--from-beginning", description = "Start at the oldest outcome, not now.")
  boolean fromBeginning;

  @Option(
      names = "--max",
      paramLabel = "N",
      description =
          "Stop after N outcomes (a crawl's page records are printed but not counted: its summary"
              + " is its outcome).")
  Integer max;

  @Mixin ConfigOption configOption;

  @Override
  public Integer call() throws InterruptedException {
    if (max != null && max < 0) {
      throw new IllegalArgumentException("--max must be 0 or more but was " + max);
    }
    ClientSettings settings = ConfigLoader.loadClient(configOption.source(true));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger seen = new AtomicInteger(); // outcomes, not pages
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.set(true), "tail-stop"));
    try (OutcomeReader reader =
        fromBeginning
            ? OutcomeReader.fromBeginning(settings, System.err)
            : OutcomeReader.fromNow(settings, System.err)) {
      reader.follow(
          outcome -> {
            System.out.println(json ? outcome.json() : line(outcome));
            if (!outcome.page()) {
              seen.incrementAndGet();
            }
          },
          () -> stop.get() || (max != null && seen.get() >= max));
    }
    return 0;
  }

  static String line(OutcomeReader.Outcome outcome) {
    String time = LocalTime.now().format(TIME);
    JsonNode value = outcome.value();
    String id = value.path("request_id").asText("?");
    if (outcome.page()) {
      return time + "  PAGE    " + id + "  " + CrawlLines.page(value);
    }
    if (outcome.failed()) {
      JsonNode error = value.path("error");
      return String.format(
          "%s  FAILED  %s  %s/%s  %s",
          time,
          id,
          value.path("stage").asText(),
          error.path("code").asText(),
          error.path("message").asText());
    }
    if (outcome.crawlSummary()) {
      return String.format(
          "%s  %s  %s  %s",
          time,
          outcome.crawlUnsuccessful() ? "FAILED" : "OK    ",
          id,
          CrawlLines.summary(value.path("result")));
    }
    String where =
        value.has("result_location")
            ? "stored at " + value.path("result_location").path("url").asText()
            : value.path("result").path("url").asText("");
    return String.format(
        "%s  OK      %s  %s %s  attempts %d  %s",
        time,
        id,
        value.path("kind").asText(),
        value.path("task_id").asText(),
        value.path("attempts").asInt(),
        where);
  }
}
