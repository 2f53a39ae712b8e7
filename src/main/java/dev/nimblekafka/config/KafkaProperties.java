package dev.nimblekafka.config;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code KAFKA_<NAME>} variables become Kafka client properties ({@code KAFKA_SECURITY_PROTOCOL} →
 * {@code security.protocol}). Names no Kafka client knows are ignored with a warning, because other
 * software (Kubernetes service links, Kafka's own scripts) sets such variables too.
 */
final class KafkaProperties {
  private static final Logger log = LoggerFactory.getLogger(KafkaProperties.class);

  /** Set by the worker itself; overriding them would break its guarantees. */
  static final Set<String> MANAGED =
      Set.of(
          "group.id",
          "enable.auto.commit",
          "isolation.level",
          "transactional.id",
          "key.serializer",
          "value.serializer",
          "key.deserializer",
          "value.deserializer",
          "partition.assignment.strategy",
          "group.protocol");

  private KafkaProperties() {}

  static Map<String, String> passthrough(Settings settings) {
    Set<String> known = new HashSet<>();
    known.addAll(ConsumerConfig.configNames());
    known.addAll(ProducerConfig.configNames());
    known.addAll(AdminClientConfig.configNames());
    Map<String, String> properties = new TreeMap<>();
    for (Map.Entry<String, String> entry : new TreeMap<>(settings.all()).entrySet()) {
      String name = entry.getKey();
      if (!name.startsWith("KAFKA_") || name.equals("KAFKA_BOOTSTRAP_SERVERS")) {
        continue;
      }
      String property =
          name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
      if (MANAGED.contains(property)) {
        settings.problem(name + " cannot be set: the worker manages " + property + " itself");
      } else if (known.contains(property)) {
        properties.put(property, entry.getValue());
      } else {
        log.warn("Ignoring {}: no Kafka client setting is named {}", name, property);
      }
    }
    try {
      Map<String, Object> check = new TreeMap<>(properties);
      check.put("bootstrap.servers", settings.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
      check.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
      check.put(
          "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
      new ConsumerConfig(check);
    } catch (org.apache.kafka.common.config.ConfigException e) {
      String message = String.valueOf(e.getMessage());
      for (Map.Entry<String, String> property : properties.entrySet()) {
        if (KafkaConfig.secret(property.getKey())) {
          message = message.replace(property.getValue(), "****");
        }
      }
      String variable = "KAFKA_*";
      for (String name : properties.keySet()) {
        if (message.contains("configuration " + name)) {
          variable = "KAFKA_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
        }
      }
      settings.problem(variable + " is invalid: " + message);
    }
    return Map.copyOf(properties);
  }
}
