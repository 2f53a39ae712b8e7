package dev.nimblekafka.worker;

import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.usage.Usage;
import dev.nimblekafka.usage.UsageCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads state partitions (read_committed) on its own thread and consumer. A restore reads each
 * partition to its end keeping, per live request, only where its latest record is and how large it
 * is (a tombstone forgets the request); the values are read later, as many at a time as the loop
 * asks for ({@link #load}), so no partition has to fit in memory at once. A restore also reads the
 * ledger's totals of the partition back from the usage topic, handed over before the requests.
 */
final class StateRestorer implements Restorer {
  private static final Logger log = LoggerFactory.getLogger(StateRestorer.class);

  /** A partition to read through ({@code records} null), or these of its records to read. */
  private record Job(int partition, long epoch, List<StateRef> records) {}

  /** Where the ledger's totals are read back from, and which days count (by {@code clock}). */
  record Usages(String topic, UsageCodec codec, Clock clock) {}

  /** What the read of one partition found so far. */
  private static final class Scan {
    final Map<String, StateRef> live = new HashMap<>();
    final Map<String, String> unknown = new LinkedHashMap<>();
    int unreadable;
  }

  /** How far before the start of yesterday (by this pod's clock) the usage topic is read. */
  private static final Duration USAGE_MARGIN = Duration.ofHours(1);

  private final Consumer<byte[], byte[]> consumer;
  private final String stateTopic;
  private final StateCodec codec;
  private final String usageTopic;
  private final UsageCodec usageCodec;
  private final Clock clock;
  private final Queue<LoopEvent> events;
  private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  StateRestorer(
      Consumer<byte[], byte[]> consumer,
      String stateTopic,
      StateCodec codec,
      Usages usages,
      Queue<LoopEvent> events) {
    this.consumer = consumer;
    this.stateTopic = stateTopic;
    this.codec = codec;
    this.usageTopic = usages.topic();
    this.usageCodec = usages.codec();
    this.clock = usages.clock();
    this.events = events;
    this.thread = new Thread(this::run, "state-restorer");
    this.thread.setDaemon(true);
  }

  @Override
  public void start() {
    thread.start();
  }

  @Override
  public void restore(int partition, long epoch) {
    jobs.add(new Job(partition, epoch, null));
  }

  @Override
  public void load(int partition, long epoch, List<StateRef> records) {
    jobs.add(new Job(partition, epoch, List.copyOf(records)));
  }

  private void run() {
    try {
      while (!closed) {
        Job first = jobs.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        List<Job> all = new ArrayList<>(List.of(first));
        jobs.drainTo(all);
        Map<Integer, Job> scans = new LinkedHashMap<>();
        for (Job job : all) {
          if (job.records == null) {
            scans.put(job.partition, job);
          } else {
            load(job);
          }
        }
        if (!scans.isEmpty()) {
          scan(scans);
        }
      }
    } catch (InterruptedException | WakeupException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Reads these partitions through, together, keeping only where each live request is. */
  private void scan(Map<Integer, Job> batch) {
    long started = System.nanoTime();
    List<TopicPartition> parts = new ArrayList<>();
    batch.keySet().forEach(p -> parts.add(new TopicPartition(stateTopic, p)));
    Map<Integer, Scan> found = new HashMap<>();
    try {
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      Set<TopicPartition> remaining = new HashSet<>();
      for (TopicPartition tp : parts) {
        found.put(tp.partition(), new Scan());
        if (consumer.position(tp) < end.get(tp)) {
          remaining.add(tp);
        }
      }
      while (!remaining.isEmpty() && !closed) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          note(record, found.get(record.partition()));
        }
        remaining.removeIf(tp -> consumer.position(tp) >= end.get(tp));
      }
      Map<Integer, List<Usage>> usage = readUsage(batch.keySet());
      for (Job job : batch.values()) {
        events.add(new LoopEvent.UsageRead(job.partition, job.epoch, usage.get(job.partition)));
        Scan scan = found.get(job.partition);
        List<StateRef> live = new ArrayList<>(scan.live.values());
        live.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        String unknown = scan.unknown.isEmpty() ? null : scan.unknown.values().iterator().next();
        log.info(
            "Read the state of partition {} in {} ms: {} pending requests",
            job.partition,
            (System.nanoTime() - started) / 1_000_000,
            live.size());
        events.add(
            new LoopEvent.Restored(
                job.partition,
                job.epoch,
                List.of(),
                scan.unreadable,
                unknown == null ? live : List.of(),
                unknown));
      }
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      log.error("Restoring partitions {} failed; will try again", batch.keySet(), e);
      for (Job job : batch.values()) {
        events.add(new LoopEvent.RestoreFailed(job.partition, job.epoch, e));
      }
    } finally {
      consumer.assign(List.of());
    }
  }

  /**
   * The ledger's latest totals of these partitions, per tenant and day, for yesterday and today:
   * the usage topic read from a little before the start of yesterday to its end.
   */
  private Map<Integer, List<Usage>> readUsage(Set<Integer> partitions) {
    List<TopicPartition> parts = new ArrayList<>();
    Map<TopicPartition, Long> from = new HashMap<>();
    long since =
        LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                .minusDays(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli()
            - USAGE_MARGIN.toMillis();
    for (int p : partitions) {
      TopicPartition tp = new TopicPartition(usageTopic, p);
      parts.add(tp);
      from.put(tp, since);
    }
    consumer.assign(parts);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
    Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(from);
    for (TopicPartition tp : parts) {
      OffsetAndTimestamp at = start.get(tp);
      consumer.seek(tp, at == null ? end.get(tp) : at.offset());
    }
    Map<Integer, Map<String, Usage>> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(p, new HashMap<>()));
    Set<TopicPartition> remaining = new HashSet<>();
    for (TopicPartition tp : parts) {
      if (consumer.position(tp) < end.get(tp)) {
        remaining.add(tp);
      }
    }
    while (!remaining.isEmpty() && !closed) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        if (record.key() == null || record.value() == null) {
          continue;
        }
        try {
          Usage usage = usageCodec.decode(record.value());
          latest.get(record.partition()).put(usage.key(), usage);
        } catch (IllegalArgumentException e) {
          log.warn(
              "Skipping a usage record at {}-{}@{}: {}",
              record.topic(),
              record.partition(),
              record.offset(),
              e.getMessage());
        }
      }
      remaining.removeIf(tp -> consumer.position(tp) >= end.get(tp));
    }
    Map<Integer, List<Usage>> result = new HashMap<>();
    latest.forEach((p, byKey) -> result.put(p, List.copyOf(byKey.values())));
    return result;
  }

  /** One record of a scan: the request's latest record, its end, or one that cannot be read. */
  private void note(ConsumerRecord<byte[], byte[]> record, Scan scan) {
    if (record.key() == null) {
      return;
    }
    String id = new String(record.key(), StandardCharsets.UTF_8);
    scan.unknown.remove(id);
    if (record.value() == null) {
      scan.live.remove(id);
      return;
    }
    int version = codec.version(record.value());
    if (version == StateCodec.VERSION) {
      scan.live.put(id, new StateRef(record.offset(), record.value().length + record.key().length));
    } else if (version == StateCodec.UNREADABLE) {
      scan.unreadable++;
      log.warn(
          "Skipping a state record that is not JSON at {}-{}@{}",
          record.topic(),
          record.partition(),
          record.offset());
    } else {
      scan.live.remove(id);
      scan.unknown.put(
          id,
          "a state record of version "
              + (version == StateCodec.NO_VERSION ? "(none)" : Integer.toString(version))
              + " at offset "
              + record.offset()
              + " (request "
              + id
              + "); this worker reads version "
              + StateCodec.VERSION);
    }
  }

  /** Reads these records of a partition (sorted by offset) and hands over their requests. */
  private void load(Job job) {
    TopicPartition tp = new TopicPartition(stateTopic, job.partition);
    Map<Long, StateRef> wanted = new HashMap<>();
    job.records.forEach(ref -> wanted.put(ref.offset(), ref));
    long last = job.records.get(job.records.size() - 1).offset();
    List<StoredTask> tasks = new ArrayList<>();
    int unreadable = 0;
    try {
      consumer.assign(List.of(tp));
      consumer.seek(tp, job.records.get(0).offset());
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (!wanted.isEmpty() && consumer.position(tp) <= last && consumer.position(tp) < end) {
        if (closed) {
          return;
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          if (wanted.remove(record.offset()) == null || record.value() == null) {
            continue;
          }
          try {
            tasks.add(codec.decode(record.value()));
          } catch (IllegalArgumentException e) {
            unreadable++;
            log.warn(
                "Skipping an unreadable state record at {}@{}: {}",
                tp,
                record.offset(),
                e.getMessage());
          }
        }
      }
      if (!wanted.isEmpty()) {
        log.warn("{} state records of {} were no longer found at their offsets", wanted.size(), tp);
      }
      log.debug("Read {} pending requests of {} ({} unreadable)", tasks.size(), tp, unreadable);
      events.add(new LoopEvent.Loaded(job.partition, job.epoch, tasks));
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      log.error("Reading state records of {} failed; will try again", tp, e);
      events.add(new LoopEvent.RestoreFailed(job.partition, job.epoch, e));
    } finally {
      consumer.assign(List.of());
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
