package dev.nimblekafka.callback;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends forwarded hints to the callbacks topic from a thread of its own, so that an HTTP thread
 * never waits on Kafka: a send can block while the topic's metadata is missing (a broker outage, or
 * metadata evicted after an idle spell). Hints wait in a bounded queue; when it is full a hint is
 * dropped and counted ({@code forward_dropped}), which costs only time: the owner's safety poll
 * finds the task's end without it.
 */
public final class HintForwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HintForwarder.class);

  private final BlockingQueue<ProducerRecord<byte[], byte[]>> queue;
  private final Producer<byte[], byte[]> producer;
  private final CallbackEndpoint.CallbackCounters counters;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * @param producer sends the records; it should block briefly at most ({@code max.block.ms})
   * @param capacity hints that may wait for the producer
   */
  public HintForwarder(
      Producer<byte[], byte[]> producer, int capacity, CallbackEndpoint.CallbackCounters counters) {
    this.producer = producer;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.counters = counters;
    this.thread = new Thread(this::run, "callback-forward");
    thread.setDaemon(true);
  }

  public HintForwarder start() {
    thread.start();
    return this;
  }

  /** Queues a record without waiting; false (and counted) when the queue is full. */
  boolean offer(ProducerRecord<byte[], byte[]> record) {
    if (closed || !queue.offer(record)) {
      counters.count("forward_dropped");
      return false;
    }
    return true;
  }

  private void run() {
    try {
      while (!closed) {
        send(queue.take());
      }
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(ProducerRecord<byte[], byte[]> record) {
    try {
      producer.send(
          record,
          (meta, e) -> {
            if (e != null) {
              failed(record, e);
            }
          });
    } catch (RuntimeException e) {
      failed(record, e);
    }
  }

  private void failed(ProducerRecord<byte[], byte[]> record, Exception e) {
    counters.count("forward_failed");
    log.warn("Forwarding a callback for partition {} failed: {}", record.partition(), e.toString());
  }

  /** Stops the thread (hints still queued are dropped); the producer is the caller's to close. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
