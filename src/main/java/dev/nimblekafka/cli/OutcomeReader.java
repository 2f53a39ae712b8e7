package dev.nimblekafka.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.config.ClientSettings;
import dev.nimblekafka.request.WireFrame;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads outcomes (results and failures, read_committed) from the offsets the topics had when it was
 * made, so a command sees only outcomes of what it submitted afterwards. A topic that does not
 * exist yet is waited for, and read from its beginning once it does: all of it is newer than this
 * reader. The results topic also carries crawls' page records ({@code "record":"page"}): they are
 * read too, but a page is never its request's outcome; the crawl's summary is.
 */
final class OutcomeReader implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long RECHECK_NANOS = Duration.ofMillis(500).toNanos();

  /** One record as read: an outcome, or a crawl's page record. */
  record Outcome(String topic, String requestId, String json, JsonNode value) {
    /** A crawl's page record: one page of its request, not the request's outcome. */
    boolean page() {
      return "page".equals(value.path("record").asText());
    }

    /** A failure record (a page that failed is a page, not a failure). */
    boolean failed() {
      return !page() && value.has("error");
    }

    /** A crawl's summary: a result of kind crawl. */
    boolean crawlSummary() {
      return !page() && !failed() && "crawl".equals(value.path("kind").asText());
    }

    /** A crawl's summary that says the crawl failed or was canceled. */
    boolean crawlUnsuccessful() {
      return crawlSummary()
          && !"succeeded".equals(value.path("result").path("crawl_state").asText("succeeded"));
    }
  }

  /**
   * How the awaited requests ended: results (of which {@code crawlsUnsuccessful} are summaries of
   * crawls that failed or were canceled) and failure records.
   */
  record Summary(int results, int failures, int crawlsUnsuccessful) {
    /** Failure records and unsuccessful crawls: the requests that did not do what they asked. */
    int unsuccessful() {
      return failures + crawlsUnsuccessful;
    }
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String resultsTopic;
  private final PrintStream notices;
  private final List<String> missing = new ArrayList<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private boolean announced;
  private long lastCheck;

  private OutcomeReader(ClientSettings settings, boolean beginning, PrintStream notices) {
    this.consumer = Clients.consumer(settings, Map.of());
    this.resultsTopic = settings.topics().results();
    this.notices = notices;
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(resultsTopic, settings.topics().failures())) {
        var found = consumer.partitionsFor(topic);
        if (found.isEmpty()) {
          missing.add(topic);
        }
        found.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      Map<TopicPartition, Long> start =
          beginning ? consumer.beginningOffsets(partitions) : consumer.endOffsets(partitions);
      positions.putAll(start); // fixed now, before anything is submitted
      assign();
    } catch (RuntimeException e) {
      consumer.close(Duration.ZERO);
      throw e;
    }
  }

  static OutcomeReader fromNow(ClientSettings settings, PrintStream notices) {
    return new OutcomeReader(settings, false, notices);
  }

  static OutcomeReader fromBeginning(ClientSettings settings, PrintStream notices) {
    return new OutcomeReader(settings, true, notices);
  }

  /** Topics that did not exist at the last look. */
  List<String> missingTopics() {
    return List.copyOf(missing);
  }

  /** Hands every outcome to {@code sink} until {@code stop} says so (checked before each one). */
  void follow(Consumer<Outcome> sink, BooleanSupplier stop) throws InterruptedException {
    while (!stop.getAsBoolean()) {
      if (!missing.isEmpty()) {
        lookForMissing();
      }
      if (positions.isEmpty()) {
        Thread.sleep(POLL.toMillis()); // nothing to read until a topic exists
        continue;
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
        if (stop.getAsBoolean()) {
          return;
        }
        Outcome outcome = parse(record);
        if (outcome != null) {
          sink.accept(outcome);
        }
      }
    }
  }

  /**
   * Reads until every id in {@code ids} has an outcome, or the timeout passes. Each outcome goes to
   * {@code outcomes}, and each page record of an awaited crawl to {@code pages}.
   */
  Summary collect(
      Set<String> ids, Duration timeout, Consumer<Outcome> outcomes, Consumer<Outcome> pages)
      throws InterruptedException {
    Tally tally = new Tally(ids, resultsTopic);
    long deadline = System.nanoTime() + timeout.toNanos();
    follow(
        record -> {
          if (record.page()) {
            if (tally.awaits(record.requestId())) {
              pages.accept(record);
            }
          } else if (tally.count(record)) {
            outcomes.accept(record);
          }
        },
        () -> tally.done() || System.nanoTime() > deadline);
    return tally.summary();
  }

  /** Which of the awaited requests have their outcome, and of which kind. */
  static final class Tally {
    private final Set<String> waiting;
    private final String resultsTopic;
    private int results;
    private int failures;
    private int crawlsUnsuccessful;

    Tally(Set<String> ids, String resultsTopic) {
      this.waiting = new HashSet<>(ids);
      this.resultsTopic = resultsTopic;
    }

    /**
     * Counts {@code outcome} when it is the first outcome of an awaited request; says whether it
     * was. A page record is no outcome.
     */
    boolean count(Outcome outcome) {
      if (outcome.page() || !waiting.remove(outcome.requestId())) {
        return false;
      }
      if (outcome.topic().equals(resultsTopic)) {
        results++;
        if (outcome.crawlUnsuccessful()) {
          crawlsUnsuccessful++;
        }
      } else {
        failures++;
      }
      return true;
    }

    /** Whether {@code requestId} is awaited and has no outcome yet. */
    boolean awaits(String requestId) {
      return waiting.contains(requestId);
    }

    boolean done() {
      return waiting.isEmpty();
    }

    Summary summary() {
      return new Summary(results, failures, crawlsUnsuccessful);
    }
  }

  private void lookForMissing() {
    if (!announced) {
      announced = true;
      notices.printf(
          "waiting for %s to be created (the worker creates missing topics at start)%n",
          String.join(" and ", missing));
    }
    if (System.nanoTime() - lastCheck < RECHECK_NANOS) {
      return;
    }
    lastCheck = System.nanoTime();
    List<TopicPartition> found = new ArrayList<>();
    for (String topic : List.copyOf(missing)) {
      var partitions = consumer.partitionsFor(topic);
      if (!partitions.isEmpty()) {
        missing.remove(topic);
        partitions.forEach(p -> found.add(new TopicPartition(topic, p.partition())));
        notices.printf("%s exists now; reading it from the beginning%n", topic);
      }
    }
    if (!found.isEmpty()) {
      positions.replaceAll((partition, offset) -> consumer.position(partition));
      positions.putAll(consumer.beginningOffsets(found));
      assign();
    }
  }

  private void assign() {
    consumer.assign(positions.keySet());
    positions.forEach(consumer::seek);
  }

  static Outcome parse(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return null;
    }
    try {
      // a worker with a Schema Registry frames its outcomes: the JSON follows the frame
      String text = new String(WireFrame.payload(record.value()), StandardCharsets.UTF_8);
      JsonNode value = JSON.readTree(text);
      String id =
          value.path("request_id").isTextual()
              ? value.path("request_id").asText()
              : record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
      return new Outcome(record.topic(), id, text, value);
    } catch (IOException notJson) {
      return null;
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
