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

  @Option(names = "--max", paramLabel = "N", description = "Stop after N outcomes.")
  Integer max;

  @Mixin ConfigOption configOption;

  @Override
  public Integer call() throws InterruptedException {
    if (max != null && max < 0) {
      throw new IllegalArgumentException("--max must be 0 or more but was " + max);
    }
    ClientSettings settings = ConfigLoader.loadClient(configOption.source(true));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger seen = new AtomicInteger();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.set(true), "tail-stop"));
    try (OutcomeReader reader =
        fromBeginning
            ? OutcomeReader.fromBeginning(settings, System.err)
            : OutcomeReader.fromNow(settings, System.err)) {
      reader.follow(
          outcome -> {
            System.out.println(json ? outcome.json() : line(outcome.value(), outcome.failed()));
            seen.incrementAndGet();
          },
          () -> stop.get() || (max != null && seen.get() >= max));
    }
    return 0;
  }

  static String line(JsonNode value, boolean failed) {
    String time = LocalTime.now().format(TIME);
    String id = value.path("request_id").asText("?");
    if (failed) {
      JsonNode error = value.path("error");
      return String.format(
          "%s  FAILED  %s  %s/%s  %s",
          time,
          id,
          value.path("stage").asText(),
          error.path("code").asText(),
          error.path("message").asText());
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
