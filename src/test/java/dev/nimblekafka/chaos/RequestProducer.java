package dev.nimblekafka.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the run's requests at an even pace over a given time, keyed by request id, with a
 * producer that rides out a broker restart (idempotent, long delivery timeout). Remembers where
 * each request landed.
 */
final class RequestProducer implements AutoCloseable {
  private static final long TICK_MS = 100;

  /** Where a request landed. */
  record Placement(int partition, long offset) {}

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final ScheduledExecutorService pacer =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "chaos-producer"));
  private final Map<String, Placement> acked = new ConcurrentHashMap<>();
  private final Map<String, String> failed = new ConcurrentHashMap<>();
  private final AtomicInteger sent = new AtomicInteger();
  private volatile CountDownLatch done = new CountDownLatch(1);
  private volatile ScheduledFuture<?> schedule;

  RequestProducer(String bootstrapServers, String topic) {
    this.topic = topic;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                300_000,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                2 * 1024 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                300_000,
                ProducerConfig.CLIENT_ID_CONFIG,
                "chaos-requests",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
  }

  /**
   * Starts producing {@code requests} evenly over {@code over}; returns at once. Called again once
   * {@link #finished}, it produces a further wave.
   */
  void start(List<ChaosRequests.Request> requests, Duration over) {
    long ticks = Math.max(1, over.toMillis() / TICK_MS);
    int perTick = (int) Math.ceil(requests.size() / (double) ticks);
    CountDownLatch wave = new CountDownLatch(1);
    done = wave;
    int base = sent.get();
    schedule =
        pacer.scheduleAtFixedRate(
            () -> {
              if (wave.getCount() == 0) {
                schedule.cancel(false);
                return;
              }
              int from = sent.get() - base;
              int to = Math.min(requests.size(), from + perTick);
              for (int i = from; i < to; i++) {
                send(requests.get(i));
              }
              sent.set(base + to);
              if (to == requests.size()) {
                producer.flush();
                wave.countDown();
              }
            },
            TICK_MS,
            TICK_MS,
            TimeUnit.MILLISECONDS);
  }

  private void send(ChaosRequests.Request request) {
    byte[] key = request.id().getBytes(StandardCharsets.UTF_8);
    Integer partition = request.partition() < 0 ? null : request.partition();
    producer.send(
        new ProducerRecord<>(topic, partition, key, request.value()),
        (RecordMetadata metadata, Exception error) -> {
          if (error == null) {
            acked.put(request.ref(), new Placement(metadata.partition(), metadata.offset()));
          } else {
            failed.put(request.ref(), error.toString());
          }
        });
  }

  int sent() {
    return sent.get();
  }

  int acknowledged() {
    return acked.size();
  }

  /** True once every request was handed to the producer and flushed. */
  boolean finished() {
    return done.getCount() == 0 && acked.size() + failed.size() == sent.get();
  }

  /** Where each request landed, by {@link ChaosRequests.Request#ref}. */
  Map<String, Placement> placements() {
    return Map.copyOf(acked);
  }

  /**
   * Requests (by {@link ChaosRequests.Request#ref}) the broker never acknowledged, with the error.
   */
  Map<String, String> failures() {
    return Map.copyOf(failed);
  }

  @Override
  public void close() {
    pacer.shutdownNow();
    producer.close(Duration.ofSeconds(10));
  }
}
