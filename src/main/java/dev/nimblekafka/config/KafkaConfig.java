package dev.nimblekafka.config;

import java.time.Duration;
import java.util.Map;

/**
 * How the worker talks to Kafka.
 *
 * @param bootstrapServers {@code KAFKA_BOOTSTRAP_SERVERS}
 * @param groupId the consumer group of all worker pods
 * @param instanceId unique per pod; names the transactional producer
 * @param clientProperties every other {@code KAFKA_<NAME>} setting, as client properties
 * @param guarantee exactly-once (transactions) or at-least-once
 * @param commitInterval how often outputs, state and offsets are committed
 * @param transactionTimeout how long an abandoned transaction blocks readers before it aborts
 * @param createTopics create missing topics at start-up
 * @param topicPartitions partitions of a requests topic the worker creates
 */
public record KafkaConfig(
    String bootstrapServers,
    String groupId,
    String instanceId,
    Map<String, String> clientProperties,
    ProcessingGuarantee guarantee,
    Duration commitInterval,
    Duration transactionTimeout,
    boolean createTopics,
    int topicPartitions) {

  /**
   * Whether a client whose settings are {@code clientNames} takes {@code property}: one of its
   * settings, or a config provider's (which every client resolves).
   */
  public static boolean takes(java.util.Set<String> clientNames, String property) {
    return clientNames.contains(property) || KafkaProperties.provider(property);
  }

  /** Settings whose values are secrets: printed as {@code ****}. */
  static boolean secret(String property) {
    return property.matches(".*(password|jaas|secret|key|token|credential).*");
  }

  @Override
  public String toString() {
    java.util.Map<String, String> shown = new java.util.TreeMap<>();
    clientProperties.forEach((name, value) -> shown.put(name, secret(name) ? "****" : value));
    return "KafkaConfig[bootstrapServers="
        + bootstrapServers
        + ", groupId="
        + groupId
        + ", instanceId="
        + instanceId
        + ", clientProperties="
        + shown
        + ", guarantee="
        + guarantee
        + ", commitInterval="
        + commitInterval
        + ", transactionTimeout="
        + transactionTimeout
        + ", createTopics="
        + createTopics
        + ", topicPartitions="
        + topicPartitions
        + "]";
  }

  public String transactionalId() {
    return groupId + "-" + instanceId;
  }
}
