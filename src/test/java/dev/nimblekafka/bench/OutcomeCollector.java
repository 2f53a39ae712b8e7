package dev.nimblekafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a run's results and failures topics from the beginning with a {@code read_committed}
 * consumer on its own thread, and keeps, per request, when it was first seen; outcomes of a request
 * already seen are counted as duplicates.
 *
 * <p>Latencies come from the timestamps in each result: the simulator writes when the task started
 * ({@code result.metadata.query_time}) and how long it ran ({@code query_duration}), so their sum
 * is when Nimble finished the task. "finish → published" runs from there to the result record's
 * Kafka timestamp (set by the worker's producer when it sent the record, before its transaction
 * committed); "finish → read" runs to the moment this reader received the committed record. All
 * clocks are this machine's.
 *
 * <p>A crawl's page records ({@code "record":"page"}) are not outcomes: they are counted apart, by
 * page task, and its summary (a result of kind {@code crawl}) is its one outcome.
 */
final class OutcomeCollector implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String resultsTopic;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile Exception failure;

  private final Map<String, Long> firstSeen = new HashMap<>();
  private final Map<String, String> placements = new HashMap<>();
  private final List<Long> seenTimes = new ArrayList<>();
  private final List<Long> finishToPublished = new ArrayList<>();
  private final List<Long> finishToRead = new ArrayList<>();
  private final AtomicInteger unique = new AtomicInteger();
  private int results;
  private int failures;
  private int duplicates;
  private int unreadable;
  private final Map<String, Integer> failureCodes = new HashMap<>();
  private final Map<String, Integer> pagesByTask = new HashMap<>();
  private final List<CrawlSummary> crawlSummaries = new ArrayList<>();
  private int pageRecords;

  OutcomeCollector(String bootstrap, Topics topics) {
    this(bootstrap, topics, false);
  }

  /**
   * @param fromEnd read only the outcomes written from now on (those of a warm-up are all in
   *     already), else every outcome in the topics
   */
  OutcomeCollector(String bootstrap, Topics topics, boolean fromEnd) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    this.consumer = new KafkaConsumer<>(props);
    this.resultsTopic = topics.results();
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(topics.results(), topics.failures())) {
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    if (fromEnd) {
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // the end as it is now, not when first polled
    } else {
      consumer.seekToBeginning(partitions);
    }
    this.thread = new Thread(this::run, "bench-outcomes");
  }

  OutcomeCollector start() {
    thread.start();
    return this;
  }

  /** Requests with at least one outcome so far. */
  int unique() {
    return unique.get();
  }

  /**
   * Waits until {@code n} requests have an outcome, calling {@code everySecond} once a second;
   * false if the timeout passes or {@code giveUp} says so first.
   */
  boolean awaitUnique(int n, Duration timeout, Runnable everySecond, BooleanSupplier giveUp)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextTick = System.nanoTime();
    while (unique.get() < n) {
      if (failure != null || System.nanoTime() > deadline || giveUp.getAsBoolean()) {
        return false;
      }
      if (System.nanoTime() >= nextTick) {
        everySecond.run();
        nextTick = System.nanoTime() + 1_000_000_000L;
      }
      Thread.sleep(50);
    }
    return true;
  }

  Exception failure() {
    return failure;
  }

  private void run() {
    try {
      while (!stopping) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          accept(record, System.currentTimeMillis());
        }
      }
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private synchronized void accept(ConsumerRecord<byte[], byte[]> record, long now) {
    JsonNode value;
    try {
      value = record.value() == null ? null : Http.JSON.readTree(record.value());
    } catch (IOException e) {
      value = null;
    }
    String id =
        value != null && value.path("request_id").isTextual()
            ? value.path("request_id").asText()
            : record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    if (id == null) {
      unreadable++;
      return;
    }
    if (value != null && "page".equals(value.path("record").asText(null))) {
      // one page of a crawl request, not its outcome: counted apart
      pageRecords++;
      pagesByTask.merge(value.path("task_id").asText("?"), 1, Integer::sum);
      return;
    }
    if (value != null && "crawl".equals(value.path("kind").asText(null))) {
      crawlSummaries.add(
          new CrawlSummary(
              value.path("result").path("crawl_id").asText(null),
              value.path("result").path("pages").path("succeeded").asInt(-1),
              record.timestamp(),
              now));
    }
    if (firstSeen.putIfAbsent(id, now) != null) {
      duplicates++;
      return;
    }
    seenTimes.add(now);
    if (value != null && value.path("tenant").isTextual()) {
      placements.put(id, value.path("tenant").asText() + "/" + value.path("priority").asText("?"));
    }
    unique.incrementAndGet();
    if (record.topic().equals(resultsTopic)) {
      results++;
      long finished = nimbleFinished(value);
      if (finished > 0) {
        finishToPublished.add(record.timestamp() - finished);
        finishToRead.add(now - finished);
      }
    } else {
      failures++;
      String code = value == null ? "?" : value.path("error").path("code").asText("?");
      failureCodes.merge(code, 1, Integer::sum);
    }
  }

  /** When Nimble finished the task, from a result record; 0 when it does not say. */
  static long nimbleFinished(JsonNode value) {
    return value == null ? 0 : finishedFromMetadata(value.path("result").path("metadata"));
  }

  /** {@code query_time + query_duration} of a Nimble result's {@code metadata}; 0 if absent. */
  static long finishedFromMetadata(JsonNode metadata) {
    if (!metadata.path("query_time").isTextual() || !metadata.path("query_duration").isNumber()) {
      return 0;
    }
    try {
      return Instant.parse(metadata.path("query_time").asText()).toEpochMilli()
          + metadata.path("query_duration").asLong();
    } catch (DateTimeParseException e) {
      return 0;
    }
  }

  /** When each request's first outcome was read (ms since the epoch), by request id. */
  synchronized Map<String, Long> firstSeen() {
    return Map.copyOf(firstSeen);
  }

  /**
   * The tenant and priority each first outcome names ({@code tenant/priority}), by request id;
   * requests whose outcome names none are absent.
   */
  synchronized Map<String, String> placements() {
    return Map.copyOf(placements);
  }

  /**
   * A crawl request's summary as read: its crawl, the pages it counts as succeeded, and when it was
   * published (the record's timestamp) and read (ms since the epoch).
   */
  record CrawlSummary(String crawlId, int pagesSucceeded, long publishedAt, long readAt) {}

  /** Crawl page records read so far (never counted as outcomes). */
  synchronized int pageRecords() {
    return pageRecords;
  }

  /** Page tasks with at least one page record so far. */
  synchronized int distinctPages() {
    return pagesByTask.size();
  }

  /** Page tasks with more than one page record. */
  synchronized long pagesPublishedTwice() {
    return pagesByTask.values().stream().filter(n -> n > 1).count();
  }

  /** The crawl summaries read so far, in the order read. */
  synchronized List<CrawlSummary> crawlSummaries() {
    return List.copyOf(crawlSummaries);
  }

  /** What was read, as of now. */
  synchronized Snapshot snapshot() {
    return new Snapshot(
        results,
        failures,
        duplicates,
        unreadable,
        Map.copyOf(failureCodes),
        List.copyOf(seenTimes),
        List.copyOf(finishToPublished),
        List.copyOf(finishToRead));
  }

  record Snapshot(
      int results,
      int failures,
      int duplicates,
      int unreadable,
      Map<String, Integer> failureCodes,
      List<Long> seenTimes,
      List<Long> finishToPublishedMillis,
      List<Long> finishToReadMillis) {}

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.join(10_000);
  }
}
