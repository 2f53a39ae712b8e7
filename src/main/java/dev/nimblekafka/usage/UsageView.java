package dev.nimblekafka.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's tasks created today per budgeted tenant, as the usage topic holds them: every
 * partition followed (read committed, so only totals whose transaction committed count) on a thread
 * of its own, and a {@link Snapshot} of the latest totals published every refresh once the topic
 * has been read to its end. The topic is compacted and small: one record per tenant, day and
 * partition.
 */
public final class UsageView implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UsageView.class);

  /** How far before the start of today (by the clock) the topic is read from. */
  private static final Duration MARGIN = Duration.ofHours(1);

  /**
   * The tasks created per partition, tenant and UTC day, as read at {@code readAt} (epoch ms; -1:
   * not read yet).
   */
  public record Snapshot(long readAt, Map<Integer, Map<String, Long>> created) {
    /** Not read yet: nothing is known of the fleet. */
    public static final Snapshot NONE = new Snapshot(-1, Map.of());

    public Snapshot {
      Map<Integer, Map<String, Long>> copy = new HashMap<>();
      created.forEach((p, byKey) -> copy.put(p, Map.copyOf(byKey)));
      created = Map.copyOf(copy);
    }

    /** Read, with nothing created anywhere. */
    public static Snapshot empty(long readAt) {
      return new Snapshot(readAt, Map.of());
    }

    public boolean read() {
      return readAt >= 0;
    }

    /** The tasks created for the tenant on that day in that partition, as read. */
    public long created(int partition, String tenant, LocalDate day) {
      return created.getOrDefault(partition, Map.of()).getOrDefault(Usage.key(tenant, day), 0L);
    }
  }

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final UsageCodec codec;
  private final Clock clock;
  private final Set<String> tenants;
  private final long everyMillis;
  private final Thread thread;
  private final Map<Integer, Map<String, Long>> latest = new HashMap<>();
  private volatile Snapshot snapshot = Snapshot.NONE;
  private volatile boolean closed;
  private boolean started;

  /**
   * @param consumer a consumer of its own, read committed, without a group
   * @param tenants the tenants counted (those with a budget); others' records are skipped
   * @param every how often a new snapshot is published
   */
  public UsageView(
      Consumer<byte[], byte[]> consumer,
      String topic,
      UsageCodec codec,
      Clock clock,
      Set<String> tenants,
      Duration every) {
    this.consumer = consumer;
    this.topic = topic;
    this.codec = codec;
    this.clock = clock;
    this.tenants = Set.copyOf(tenants);
    this.everyMillis = every.toMillis();
    this.thread = new Thread(this::run, "usage-view");
    this.thread.setDaemon(true);
  }

  public synchronized void start() {
    if (!closed) {
      started = true;
      thread.start();
    }
  }

  /** The latest snapshot ({@link Snapshot#NONE} until the topic was read to its end once). */
  public Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (!started) {
      consumer.close(Duration.ofSeconds(2));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      Map<TopicPartition, Long> end = follow();
      boolean caughtUp = false;
      long publishedAt = Long.MIN_VALUE;
      while (!closed) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          take(record);
        }
        if (!caughtUp) {
          caughtUp =
              end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
        }
        long now = clock.millis();
        if (caughtUp && now - publishedAt >= everyMillis) {
          forgetOldDays();
          snapshot = new Snapshot(now, latest);
          publishedAt = now;
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (!closed) {
        log.error("The usage view stopped: budgets wait on its last snapshot", e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Assigns every partition of the topic from a little before today; returns their ends. */
  private Map<TopicPartition, Long> follow() {
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo info : consumer.partitionsFor(topic)) {
      parts.add(new TopicPartition(topic, info.partition()));
    }
    long since =
        today().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - MARGIN.toMillis();
    Map<TopicPartition, Long> from = new HashMap<>();
    parts.forEach(tp -> from.put(tp, since));
    consumer.assign(parts);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
    Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(from);
    for (TopicPartition tp : parts) {
      OffsetAndTimestamp at = start.get(tp);
      consumer.seek(tp, at == null ? end.get(tp) : at.offset());
    }
    return end;
  }

  private void take(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return;
    }
    try {
      Usage usage = codec.decode(record.value());
      if (tenants.contains(usage.tenant()) && !usage.day().isBefore(today().minusDays(1))) {
        latest
            .computeIfAbsent(record.partition(), p -> new HashMap<>())
            .put(usage.key(), usage.created());
      }
    } catch (IllegalArgumentException e) {
      log.debug("Skipping a usage record at {}@{}: {}", record.partition(), record.offset(), e);
    }
  }

  /** Keeps today and yesterday only (yesterday for a pod whose clock is a little behind). */
  private void forgetOldDays() {
    String oldest = today().minusDays(1).toString();
    for (Map<String, Long> byKey : latest.values()) {
      byKey.keySet().removeIf(key -> key.substring(key.lastIndexOf('|') + 1).compareTo(oldest) < 0);
    }
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
