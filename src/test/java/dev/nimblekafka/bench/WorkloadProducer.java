package dev.nimblekafka.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces a {@link Workload} on its own thread, each request when its stream makes it due, with
 * the tenant and priority as top-level fields of the request, keyed by id (or all with one key).
 * Records when each request was sent and to which group it belongs: produce → outcome is measured
 * from there.
 */
final class WorkloadProducer implements AutoCloseable {
  /** One request of the schedule. */
  record Sent(Workload.Group group, long sentAt) {}

  private final String bootstrap;
  private final String topic;
  private final String prefix;
  private final Workload workload;
  private final boolean sameKey;
  private final Map<String, Sent> sent = new ConcurrentHashMap<>();
  private final AtomicReference<Exception> failed = new AtomicReference<>();
  private final Thread thread;
  private volatile long startedAt;
  private volatile boolean stopping;

  WorkloadProducer(
      String bootstrap, String topic, String prefix, Workload workload, boolean sameKey) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.prefix = prefix;
    this.workload = workload;
    this.sameKey = sameKey;
    this.thread = new Thread(this::run, "bench-workload");
  }

  /** Starts producing; the schedule's time 0 is now. */
  WorkloadProducer start() {
    startedAt = System.currentTimeMillis();
    thread.start();
    return this;
  }

  long startedAt() {
    return startedAt;
  }

  /** The request id of the {@code i}-th request of {@code group}. */
  String id(Workload.Group group, int i) {
    return prefix + "-" + group.tenant() + "-" + group.priority() + "-" + i;
  }

  /** What was sent so far, by request id. */
  Map<String, Sent> sent() {
    return Map.copyOf(sent);
  }

  Exception failure() {
    return failed.get();
  }

  private record Due(long at, Workload.Group group, int index) {}

  private void run() {
    List<Due> schedule = new ArrayList<>();
    for (Workload.Stream s : workload.streams()) {
      for (int i = 0; i < s.count(); i++) {
        schedule.add(new Due(s.dueMillis(i), s.group(), i));
      }
    }
    schedule.sort(Comparator.comparingLong(Due::at)); // stable: a stream keeps its order
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (Due due : schedule) {
        long wait = startedAt + due.at() - System.currentTimeMillis();
        if (wait > 0) {
          producer.flush(); // what is due now leaves before the pause
          Thread.sleep(wait); // pacing a trickle: the schedule is the point
        }
        if (stopping) {
          return;
        }
        send(producer, due);
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failed.compareAndSet(null, e);
    }
  }

  private void send(KafkaProducer<byte[], byte[]> producer, Due due) {
    String id = id(due.group(), due.index());
    String value =
        "{\"request_id\":\""
            + id
            + "\",\"tenant\":\""
            + due.group().tenant()
            + "\",\"priority\":\""
            + due.group().priority()
            + "\",\"extract\":{\"url\":\"https://bench.example.com/"
            + id
            + "\"}}";
    byte[] key = (sameKey ? Kafka.SAME_KEY : id).getBytes(StandardCharsets.UTF_8);
    sent.put(id, new Sent(due.group(), System.currentTimeMillis()));
    producer.send(
        new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8)),
        (metadata, e) -> {
          if (e != null) {
            failed.compareAndSet(null, e);
          }
        });
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.interrupt();
    thread.join(10_000);
  }
}
