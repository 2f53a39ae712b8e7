package dev.nimblekafka.worker;

import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.StoredTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads state partitions to their end (read_committed) on its own thread and consumer, and hands
 * each partition's pending tasks to the consume loop as a {@link LoopEvent.Restored}.
 */
final class StateRestorer implements Restorer {
  private static final Logger log = LoggerFactory.getLogger(StateRestorer.class);

  private record Job(int partition, long epoch) {}

  private final Consumer<byte[], byte[]> consumer;
  private final String stateTopic;
  private final StateCodec codec;
  private final Queue<LoopEvent> events;
  private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  StateRestorer(
      Consumer<byte[], byte[]> consumer,
      String stateTopic,
      StateCodec codec,
      Queue<LoopEvent> events) {
    this.consumer = consumer;
    this.stateTopic = stateTopic;
    this.codec = codec;
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
    jobs.add(new Job(partition, epoch));
  }

  private void run() {
    try {
      while (!closed) {
        Job first = jobs.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        Map<Integer, Job> batch = new LinkedHashMap<>();
        batch.put(first.partition, first);
        Job more;
        while ((more = jobs.poll()) != null) {
          batch.put(more.partition, more);
        }
        restoreBatch(batch);
      }
    } catch (InterruptedException | WakeupException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void restoreBatch(Map<Integer, Job> batch) {
    long started = System.nanoTime();
    List<TopicPartition> parts = new ArrayList<>();
    batch.keySet().forEach(p -> parts.add(new TopicPartition(stateTopic, p)));
    Map<Integer, Map<String, StoredTask>> found = new HashMap<>();
    Map<Integer, Integer> unreadable = new HashMap<>();
    try {
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      Set<TopicPartition> remaining = new HashSet<>();
      for (TopicPartition tp : parts) {
        found.put(tp.partition(), new LinkedHashMap<>());
        if (consumer.position(tp) < end.get(tp)) {
          remaining.add(tp);
        }
      }
      while (!remaining.isEmpty() && !closed) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          apply(record, found.get(record.partition()), unreadable);
        }
        remaining.removeIf(tp -> consumer.position(tp) >= end.get(tp));
      }
      for (Job job : batch.values()) {
        List<StoredTask> tasks = new ArrayList<>(found.get(job.partition).values());
        log.info(
            "Restored {} pending tasks of partition {} in {} ms",
            tasks.size(),
            job.partition,
            (System.nanoTime() - started) / 1_000_000);
        events.add(
            new LoopEvent.Restored(
                job.partition, job.epoch, tasks, unreadable.getOrDefault(job.partition, 0)));
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

  private void apply(
      ConsumerRecord<byte[], byte[]> record,
      Map<String, StoredTask> tasks,
      Map<Integer, Integer> unreadable) {
    if (record.key() == null) {
      return;
    }
    String id = new String(record.key(), StandardCharsets.UTF_8);
    if (record.value() == null) {
      tasks.remove(id);
      return;
    }
    try {
      tasks.put(id, codec.decode(record.value()));
    } catch (IllegalArgumentException e) {
      unreadable.merge(record.partition(), 1, Integer::sum);
      log.warn(
          "Skipping unreadable state record at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
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
