package dev.nimblekafka.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the outcome topics (read_committed) while the run goes on, to tell progress and when
 * every request has its outcome. The final verdict reads the topics again from the start.
 */
final class OutcomeTracker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutcomeTracker.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();
  private final Map<String, Integer> indexed = new ConcurrentHashMap<>();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong pages = new AtomicLong();
  private volatile boolean closed;
  private volatile Throwable died;

  OutcomeTracker(String bootstrapServers, List<String> topics) {
    this.consumer = KafkaReads.readCommitted(bootstrapServers, "chaos-tracker");
    List<TopicPartition> parts = KafkaReads.partitions(consumer, topics, Duration.ofSeconds(120));
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    this.thread = new Thread(this::run, "chaos-outcomes");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (!closed) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          Outcome outcome = Outcome.of(record);
          if (outcome.page()) {
            pages.incrementAndGet(); // one page of a crawl, not the request's outcome
            continue;
          }
          records.incrementAndGet();
          String id = outcome.requestId() == null ? "<no request_id>" : outcome.requestId();
          counts.merge(id, 1, Integer::sum);
          // what names a record whose id other records of the run share
          indexed.merge(id + "#" + outcome.index(), 1, Integer::sum);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("The outcome tracker stopped", e);
      died = e;
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Crawl page records read so far (not counted as outcomes). */
  long pages() {
    return pages.get();
  }

  /** Outcome records read so far. */
  long records() {
    return records.get();
  }

  /**
   * How many of {@code refs} ({@link ChaosRequests.Request#ref}: an id, or an id and {@code
   * #index}) have at least one outcome.
   */
  long covered(Set<String> refs) {
    return refs.stream().filter(ref -> counts.containsKey(ref) || indexed.containsKey(ref)).count();
  }

  /** Request ids seen more than once so far. */
  Set<String> repeated() {
    Set<String> repeated = ConcurrentHashMap.newKeySet();
    counts.forEach(
        (id, n) -> {
          if (n > 1) {
            repeated.add(id);
          }
        });
    return repeated;
  }

  void checkAlive() {
    if (died != null) {
      throw new IllegalStateException("the outcome tracker stopped", died);
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
