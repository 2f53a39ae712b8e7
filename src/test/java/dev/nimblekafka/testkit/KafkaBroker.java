package dev.nimblekafka.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * The real Kafka broker shared by all tests of one JVM. Obtain it as a parameter of a test,
 * lifecycle method or constructor in a class annotated with {@link RealKafka}.
 *
 * <p>Tests share the broker, so each test names its own topics, groups and transactional ids with
 * {@link #uniqueName(String)} / {@link #uniqueTopic(String, int)}. Clients a test creates are the
 * test's to close; {@link #admin()} is shared and closed with the broker.
 */
public final class KafkaBroker {

  /** The one user the SASL/PLAIN listener accepts. */
  public static final String SASL_USERNAME = "worker";

  /** That user's password. */
  public static final String SASL_PASSWORD = "worker-test-secret";

  /** Topic configs for a compacted topic, for {@link #createTopic(String, int, Map)}. */
  public static final Map<String, String> COMPACTED =
      Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final BrokerBackend backend;
  private Admin admin;
  private KafkaProducer<String, String> producer;

  KafkaBroker(BrokerBackend backend) {
    this.backend = backend;
  }

  /** {@code host:port} of the PLAINTEXT listener. */
  public String bootstrapServers() {
    return backend.bootstrapServers();
  }

  /** What kind of broker this is and where, for messages. */
  public String description() {
    return backend.description();
  }

  /** Whether {@link #saslBootstrapServers()} is available (it is for the in-process broker). */
  public boolean supportsSasl() {
    return backend.saslBootstrapServers().isPresent();
  }

  /**
   * {@code host:port} of the SASL_PLAINTEXT listener (mechanism PLAIN, user {@link
   * #SASL_USERNAME}). Guard with {@code assumeTrue(broker.supportsSasl())}.
   */
  public String saslBootstrapServers() {
    return backend
        .saslBootstrapServers()
        .orElseThrow(() -> new IllegalStateException("no SASL listener on " + description()));
  }

  /** Client properties for the SASL listener with the right credentials. */
  public Map<String, Object> saslClientProperties() {
    return saslClientProperties(SASL_USERNAME, SASL_PASSWORD);
  }

  /** Client properties for the SASL listener: bootstrap, protocol, mechanism and JAAS config. */
  public Map<String, Object> saslClientProperties(String username, String password) {
    Map<String, Object> props = new HashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, saslBootstrapServers());
    props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
    props.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
    props.put(SaslConfigs.SASL_JAAS_CONFIG, plainJaasConfig(username, password));
    return props;
  }

  /**
   * The worker's environment for the SASL listener: {@code KAFKA_BOOTSTRAP_SERVERS}, {@code
   * KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM} and {@code KAFKA_SASL_JAAS_CONFIG}.
   */
  public Map<String, String> saslEnvironment(String username, String password) {
    return Map.of(
        "KAFKA_BOOTSTRAP_SERVERS",
        saslBootstrapServers(),
        "KAFKA_SECURITY_PROTOCOL",
        "SASL_PLAINTEXT",
        "KAFKA_SASL_MECHANISM",
        "PLAIN",
        "KAFKA_SASL_JAAS_CONFIG",
        plainJaasConfig(username, password));
  }

  /** The {@code sasl.jaas.config} value a PLAIN client sends. */
  public static String plainJaasConfig(String username, String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required"
        + " username=\"%s\" password=\"%s\";".formatted(username, password);
  }

  /** A name no other test in this JVM (nor an earlier run on the same broker) uses. */
  public String uniqueName(String prefix) {
    String random = UUID.randomUUID().toString().substring(0, 8);
    return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + random;
  }

  /** Creates a one-partition topic with a unique name and returns the name. */
  public String uniqueTopic(String prefix) {
    return uniqueTopic(prefix, 1);
  }

  /** Creates a topic with a unique name and returns the name. */
  public String uniqueTopic(String prefix, int partitions) {
    return createTopic(uniqueName(prefix), partitions);
  }

  /** Creates a topic with the broker's default settings and returns its name. */
  public String createTopic(String name, int partitions) {
    return createTopic(name, partitions, Map.of());
  }

  /**
   * Creates a topic with the given topic configs (e.g. {@link #COMPACTED}) and returns its name
   * once every partition has a leader.
   */
  public String createTopic(String name, int partitions, Map<String, String> configs) {
    NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
    get(admin().createTopics(List.of(topic)).all(), "create topic " + name);
    Awaitility.await("leaders for every partition of " + name)
        .atMost(ADMIN_TIMEOUT)
        .pollInterval(Duration.ofMillis(20))
        // a topic created a moment ago may not be in the metadata yet: keep asking
        .ignoreExceptionsMatching(e -> e.getCause() instanceof UnknownTopicOrPartitionException)
        .until(() -> allPartitionsLed(name, partitions));
    return name;
  }

  private boolean allPartitionsLed(String topic, int partitions) {
    TopicDescription description =
        get(admin().describeTopics(List.of(topic)).allTopicNames(), "describe " + topic).get(topic);
    return description.partitions().size() == partitions
        && description.partitions().stream().allMatch(p -> p.leader() != null);
  }

  /** A shared admin client; do not close it. */
  public synchronized Admin admin() {
    if (admin == null) {
      admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }
    return admin;
  }

  /** Idempotent producer with String keys and values, {@code acks=all}. A mutable copy. */
  public Map<String, Object> producerProperties() {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return props;
  }

  /** {@link #producerProperties()} plus a transactional id. */
  public Map<String, Object> transactionalProducerProperties(String transactionalId) {
    Map<String, Object> props = producerProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return props;
  }

  /**
   * Consumer in group {@code groupId} with the KIP-848 group protocol, String keys and values,
   * reading from the earliest offset, committing only when told. A mutable copy.
   */
  public Map<String, Object> consumerProperties(String groupId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return props;
  }

  /** Writes one record (non-transactionally) and waits for the broker's acknowledgement. */
  public void produce(String topic, String key, String value) {
    get(sharedProducer().send(new ProducerRecord<>(topic, key, value)), "produce to " + topic);
  }

  private synchronized KafkaProducer<String, String> sharedProducer() {
    if (producer == null) {
      producer = new KafkaProducer<>(producerProperties());
    }
    return producer;
  }

  /**
   * Reads {@code topic} from the beginning of every partition, without a group, until at least
   * {@code expectedCount} records arrived; fails if they do not arrive within {@code timeout}.
   * Returns all records read, so a test can also see any beyond the expected count that came in the
   * same fetch.
   */
  public List<ConsumerRecord<String, String>> readAll(
      String topic, IsolationLevel isolationLevel, int expectedCount, Duration timeout) {
    try (KafkaConsumer<String, String> consumer = readerAtBeginning(topic, isolationLevel)) {
      return pollAtLeast(consumer, expectedCount, timeout);
    } catch (AssertionError e) {
      throw new AssertionError("reading " + topic + " (" + isolationLevel + ")", e);
    }
  }

  /**
   * Reads {@code topic} from the beginning up to the end offsets as they are when called: the high
   * watermark for {@code READ_UNCOMMITTED}, the last stable offset for {@code READ_COMMITTED}. Use
   * it to assert what is (and is not) visible.
   */
  public List<ConsumerRecord<String, String>> readToEnd(
      String topic, IsolationLevel isolationLevel, Duration timeout) {
    try (KafkaConsumer<String, String> consumer = readerAtBeginning(topic, isolationLevel)) {
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "did not reach end offsets %s of %s within %s; read %s"
                  .formatted(end, topic, timeout, records));
        }
        consumer.poll(POLL).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * Polls {@code consumer} on the calling thread until at least {@code count} records arrived;
   * fails if they do not within {@code timeout}. Returns all records polled.
   */
  public static <K, V> List<ConsumerRecord<K, V>> pollAtLeast(
      Consumer<K, V> consumer, int count, Duration timeout) {
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (records.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "polled %d of %d records within %s: %s"
                .formatted(records.size(), count, timeout, records));
      }
      consumer.poll(POLL).forEach(records::add);
    }
    return records;
  }

  private static boolean reached(
      KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private KafkaConsumer<String, String> readerAtBeginning(
      String topic, IsolationLevel isolationLevel) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel.toString().toLowerCase(Locale.ROOT));
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, ADMIN_TIMEOUT).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      return consumer;
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /**
   * The offsets group {@code groupId} has committed, by partition; empty if none. Offsets sent with
   * a transaction show here only once the commit markers are written, a moment after {@code
   * commitTransaction()} returns: wait for them with Awaitility.
   */
  public Map<TopicPartition, Long> committedOffsets(String groupId) {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        get(
            admin().listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(),
            "list offsets of group " + groupId);
    return offsets.entrySet().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** Closes the shared clients and stops the broker if the fixture started it. */
  synchronized void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    backend.close();
  }

  private static <T> T get(Future<T> future, String what) {
    try {
      return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("failed: " + what, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after " + ADMIN_TIMEOUT + ": " + what, e);
    }
  }
}
