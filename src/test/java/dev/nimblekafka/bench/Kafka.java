package dev.nimblekafka.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The broker side of a run: make sure one answers, produce requests, remove a run's topics. */
final class Kafka {
  /** The record key of every request of a skewed run. */
  static final String SAME_KEY = "bench-same-key";

  private Kafka() {}

  /**
   * Reuses a broker that answers on {@code bootstrap}; otherwise starts the local one with {@code
   * deploy/local-kafka/kafka.sh up} (what {@code make kafka-up} runs). Returns what it did.
   */
  static String ensureBroker(String bootstrap, Path root) throws IOException, InterruptedException {
    if (answers(bootstrap)) {
      return "reused the broker answering on " + bootstrap;
    }
    System.err.println("bench: no broker answers on " + bootstrap + "; starting the local one");
    Process up =
        new ProcessBuilder(root.resolve("deploy/local-kafka/kafka.sh").toString(), "up")
            .directory(root.toFile())
            .inheritIO()
            .start();
    if (!up.waitFor(5, TimeUnit.MINUTES) || up.exitValue() != 0) {
      throw new IOException("deploy/local-kafka/kafka.sh up failed (see .local/kafka/broker.log)");
    }
    if (!answers(bootstrap)) {
      throw new IOException(
          "the local broker started but "
              + bootstrap
              + " does not answer; set KAFKA_PORT or NKW_EXTERNAL_BOOTSTRAP to match");
    }
    return "started the local broker (make kafka-up) on " + bootstrap;
  }

  static boolean answers(String bootstrap) throws InterruptedException {
    try (Admin admin = admin(bootstrap)) {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(5000))
          .clusterId()
          .get(6, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return false;
    }
  }

  static Admin admin(String bootstrap) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
  }

  /** Deletes a run's topics so repeated runs do not fill the broker's disk. Best effort. */
  static void deleteTopics(String bootstrap, Collection<String> topics)
      throws InterruptedException {
    try (Admin admin = admin(bootstrap)) {
      admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      System.err.println("bench: could not delete topics " + topics + ": " + e.getMessage());
    }
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions (replication 1, the local broker's),
   * and returns the partition count the broker then describes.
   */
  static int createTopic(String bootstrap, String topic, int partitions)
      throws IOException, InterruptedException {
    try (Admin admin = admin(bootstrap)) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);
      return partitions(admin, topic);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new IOException("creating topic " + topic + " failed: " + e.getMessage(), e);
    }
  }

  private static int partitions(Admin admin, String topic)
      throws ExecutionException, TimeoutException, InterruptedException {
    return admin
        .describeTopics(List.of(topic))
        .topicNameValues()
        .get(topic)
        .get(30, TimeUnit.SECONDS)
        .partitions()
        .size();
  }

  /**
   * Records in each partition of {@code topic} (its end offsets, partition 0 first); empty when the
   * broker does not say. Shows how the requests spread over the partitions.
   */
  static List<Long> endOffsets(String bootstrap, String topic) throws InterruptedException {
    try (Admin admin = admin(bootstrap)) {
      int count = partitions(admin, topic);
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      for (int p = 0; p < count; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      var offsets = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      List<Long> byPartition = new java.util.ArrayList<>();
      for (int p = 0; p < count; p++) {
        byPartition.add(offsets.get(new TopicPartition(topic, p)).offset());
      }
      return byPartition;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return List.of();
    }
  }

  /**
   * The partitions of {@code topic} each member of consumer group {@code group} holds, by member
   * (its group instance id, else its client id), when the group is stable; null while it is
   * rebalancing or unknown.
   */
  static Map<String, List<Integer>> stableAssignment(String bootstrap, String group, String topic)
      throws InterruptedException {
    try (Admin admin = admin(bootstrap)) {
      ConsumerGroupDescription d =
          admin
              .describeConsumerGroups(List.of(group))
              .describedGroups()
              .get(group)
              .get(10, TimeUnit.SECONDS);
      if (d.groupState() != GroupState.STABLE) {
        return null;
      }
      Map<String, List<Integer>> byMember = new TreeMap<>();
      for (MemberDescription m : d.members()) {
        List<Integer> parts =
            m.assignment().topicPartitions().stream()
                .filter(tp -> tp.topic().equals(topic))
                .map(TopicPartition::partition)
                .sorted()
                .toList();
        String name = m.groupInstanceId().orElse(m.clientId());
        String key = name;
        for (int i = 2; byMember.containsKey(key); i++) {
          key = name + "#" + i;
        }
        byMember.put(key, parts);
      }
      return byMember;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return null;
    }
  }

  /** Produces one request record keyed by {@code id} and waits until the broker has it. */
  static void produce(String bootstrap, String topic, String id, String value)
      throws InterruptedException, IOException {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  id.getBytes(StandardCharsets.UTF_8),
                  value.getBytes(StandardCharsets.UTF_8)))
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException
        | RuntimeException e) {
      throw new IOException("producing " + id + " to " + topic + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Produces {@code n} extract requests with unique ids and URLs ({@code <prefix>-<i>}), keyed by
   * id, and waits until the broker has them all.
   */
  static void produceRequests(String bootstrap, String topic, String prefix, int n)
      throws InterruptedException, IOException {
    produceRequests(bootstrap, topic, prefix, n, false);
  }

  /**
   * As {@link #produceRequests(String, String, String, int)}; with {@code sameKey}, every record
   * has the key {@link #SAME_KEY}, so all land on one partition (the same one in every run).
   */
  static void produceRequests(String bootstrap, String topic, String prefix, int n, boolean sameKey)
      throws InterruptedException, IOException {
    byte[] commonKey = SAME_KEY.getBytes(StandardCharsets.UTF_8);
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
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < n; i++) {
        String id = prefix + "-" + i;
        String value =
            "{\"request_id\":\""
                + id
                + "\",\"extract\":{\"url\":\"https://bench.example.com/"
                + prefix
                + "/"
                + i
                + "\"}}";
        producer.send(
            new ProducerRecord<>(
                topic,
                sameKey ? commonKey : id.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)),
            (metadata, e) -> {
              if (e != null) {
                failed.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    } catch (RuntimeException e) {
      failed.compareAndSet(null, e);
    }
    if (failed.get() != null) {
      throw new IOException(
          "producing the requests to " + topic + " failed: " + failed.get().getMessage(),
          failed.get());
    }
  }
}
