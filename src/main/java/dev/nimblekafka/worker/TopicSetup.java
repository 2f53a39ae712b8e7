package dev.nimblekafka.worker;

import dev.nimblekafka.config.KafkaConfig;
import dev.nimblekafka.config.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the topics exist and fit together before the worker consumes: the state topic is only
 * compacted, keeps tombstones for at least {@link #MIN_TOMBSTONE_RETENTION_MS}, and has exactly as
 * many partitions as the requests topic (state for requests partition p lives in state partition
 * p), and so has the usage topic, compacted (the ledger of requests partition p lives in its
 * partition p). Creates the missing ones, or with {@code CREATE_TOPICS=false} creates none and
 * names them all. Learns the largest record the outcome topics accept.
 */
final class TopicSetup {
  private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
  private static final long TIMEOUT_SECONDS = 30;

  /** The least {@code delete.retention.ms} the state topic may have: one day. */
  static final long MIN_TOMBSTONE_RETENTION_MS = 86_400_000L;

  /** How often the usage topic's segments roll when the worker creates it: hourly. */
  static final long USAGE_SEGMENT_MS = 3_600_000L;

  /** What start-up learned. */
  record Layout(int partitions, int maxOutcomeBytes, int maxStateBytes) {}

  private TopicSetup() {}

  static Layout ensure(Admin admin, KafkaConfig kafka, Topics topics, String usage) {
    try {
      List<String> names = new ArrayList<>(allOf(topics));
      names.add(usage);
      Map<String, TopicDescription> existing = describe(admin, names);
      int partitions =
          Optional.ofNullable(existing.get(topics.requests()))
              .map(d -> d.partitions().size())
              .orElse(kafka.topicPartitions());
      List<NewTopic> missing = new ArrayList<>();
      for (String name : List.of(topics.requests(), topics.results(), topics.failures())) {
        if (!existing.containsKey(name)) {
          missing.add(new NewTopic(name, Optional.of(partitions), Optional.empty()));
        }
      }
      if (!existing.containsKey(topics.callbacks())) {
        missing.add(
            new NewTopic(topics.callbacks(), Optional.of(partitions), Optional.empty())
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000")));
      }
      TopicDescription state = existing.get(topics.state());
      if (state == null) {
        missing.add(
            new NewTopic(topics.state(), Optional.of(partitions), Optional.empty())
                .configs(
                    Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.DELETE_RETENTION_MS_CONFIG,
                        Long.toString(MIN_TOMBSTONE_RETENTION_MS),
                        TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                        "0")));
      } else if (state.partitions().size() != partitions) {
        throw new IllegalStateException(
            "STATE_TOPIC "
                + topics.state()
                + " must have as many partitions as REQUESTS_TOPIC "
                + topics.requests()
                + " ("
                + partitions
                + ") but has "
                + state.partitions().size());
      }
      TopicDescription ledger = existing.get(usage);
      if (ledger == null) {
        missing.add(
            new NewTopic(usage, Optional.of(partitions), Optional.empty())
                .configs(
                    Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        // a key is rewritten with most commits: segments that roll hourly let
                        // compaction keep what a restore reads to the last hour's records
                        TopicConfig.SEGMENT_MS_CONFIG,
                        Long.toString(USAGE_SEGMENT_MS))));
      } else if (ledger.partitions().size() != partitions) {
        throw new IllegalStateException(
            "USAGE_TOPIC "
                + usage
                + " must have as many partitions as REQUESTS_TOPIC "
                + topics.requests()
                + " ("
                + partitions
                + ") but has "
                + ledger.partitions().size());
      }
      // only now is the list complete: with CREATE_TOPICS=false nothing may be created, the state
      // topic included
      if (!kafka.createTopics() && !missing.isEmpty()) {
        throw new IllegalStateException(
            "topics missing and CREATE_TOPICS=false: "
                + missing.stream().map(NewTopic::name).toList()
                + "; create them, or set CREATE_TOPICS=true");
      }
      create(admin, missing);
      checkDurable(topics.state(), config(admin, topics.state()));
      int maxBytes =
          Math.min(
              maxMessageBytes(admin, topics.results()), maxMessageBytes(admin, topics.failures()));
      return new Layout(partitions, maxBytes, maxMessageBytes(admin, topics.state()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot check topics on " + kafka.bootstrapServers() + ": " + rootMessage(e), e);
    }
  }

  private static Collection<String> allOf(Topics topics) {
    return List.of(
        topics.requests(), topics.results(), topics.failures(), topics.state(), topics.callbacks());
  }

  private static Map<String, TopicDescription> describe(Admin admin, Collection<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, TopicDescription> found = new java.util.HashMap<>();
    var result = admin.describeTopics(names).topicNameValues();
    for (var entry : result.entrySet()) {
      try {
        found.put(entry.getKey(), entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
    }
    return found;
  }

  private static void create(Admin admin, List<NewTopic> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (topics.isEmpty()) {
      return;
    }
    var results = admin.createTopics(topics).values();
    for (var entry : results.entrySet()) {
      try {
        entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        log.info("Created topic {}", entry.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }

  /**
   * Refuses a state topic that can lose what it keeps: a request's record is its only trace once
   * its offset is committed, so nothing may delete it by age ({@code cleanup.policy} exactly {@code
   * compact}), and a restore reads the partition from its start, so a tombstone must outlive the
   * longest restore, or the restore meets a request's record without the tombstone that settled it
   * and gives it a second outcome ({@code delete.retention.ms} at least a day, the broker's
   * default; a restore takes minutes).
   */
  private static void checkDurable(String topic, Config config) {
    String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
    String normalised = policy == null ? "" : policy.replace(" ", "");
    if (!normalised.equals(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      throw new IllegalStateException(
          "STATE_TOPIC "
              + topic
              + ": cleanup.policy must be exactly compact but was "
              + policy
              + " (deleting by age loses requests still waiting for their outcome)");
    }
    String retention = value(config, TopicConfig.DELETE_RETENTION_MS_CONFIG);
    long retentionMs;
    try {
      retentionMs = retention == null ? 86_400_000L : Long.parseLong(retention.strip());
    } catch (NumberFormatException e) {
      retentionMs = -1;
    }
    if (retentionMs < MIN_TOMBSTONE_RETENTION_MS) {
      throw new IllegalStateException(
          "STATE_TOPIC "
              + topic
              + ": delete.retention.ms must be >= "
              + MIN_TOMBSTONE_RETENTION_MS
              + " (1 day) but was "
              + retention
              + " (a restore must find the tombstone of every settled request)");
    }
  }

  private static String value(Config config, String name) {
    ConfigEntry entry = config == null ? null : config.get(name);
    return entry == null ? null : entry.value();
  }

  /** A topic setting; a topic created a moment ago may take a few tries to become visible. */
  private static String config(Admin admin, String topic, String name)
      throws InterruptedException, ExecutionException, TimeoutException {
    return value(config(admin, topic), name);
  }

  /** A topic's settings; a topic created a moment ago may take a few tries to become visible. */
  private static Config config(Admin admin, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    Config config;
    while (true) {
      try {
        config =
            admin
                .describeConfigs(Set.of(resource))
                .all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .get(resource);
        break;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(100); // metadata of a new topic is still propagating
      }
    }
    return config;
  }

  private static int maxMessageBytes(Admin admin, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    String value = config(admin, topic, TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    return value == null ? 1_048_588 : Integer.parseInt(value);
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
