package dev.nimblekafka.config;

import java.util.HashMap;
import java.util.Map;

/**
 * What the command-line tools need to reach the worker's topics: the same variables (and properties
 * file) as the worker ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_*}, topic names, {@code
 * WORKER_GROUP_ID}), without the Nimble settings.
 *
 * @param bootstrapServers the brokers
 * @param clientProperties passthrough {@code KAFKA_*} client settings (security and so on)
 * @param topics topic names
 * @param groupId {@code WORKER_GROUP_ID}, the workers' consumer group
 */
public record ClientSettings(
    String bootstrapServers, Map<String, String> clientProperties, Topics topics, String groupId) {

  /** Client properties with the bootstrap servers, ready for a producer, consumer or admin. */
  public Map<String, Object> properties(java.util.Set<String> allowed) {
    Map<String, Object> props = new HashMap<>();
    clientProperties.forEach(
        (name, value) -> {
          if (KafkaConfig.takes(allowed, name)) {
            props.put(name, value);
          }
        });
    props.put("bootstrap.servers", bootstrapServers);
    return props;
  }
}
