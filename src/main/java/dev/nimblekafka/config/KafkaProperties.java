package dev.nimblekafka.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * {@code KAFKA_<NAME>} variables become Kafka client properties ({@code KAFKA_SECURITY_PROTOCOL} →
 * {@code security.protocol}). Names no Kafka client knows are ignored ({@link UnknownSettings}
 * warns about them, except Kubernetes service links), because other software sets such variables
 * too.
 *
 * <p>Each setting Kafka treats as a password ({@code sasl.jaas.config}, {@code ssl.*.password},
 * ...) may instead come from a file: {@code KAFKA_SSL_KEY_PASSWORD_FILE=/path}. Kafka's config
 * providers ({@code KAFKA_CONFIG_PROVIDERS}, {@code KAFKA_CONFIG_PROVIDERS_<ALIAS>_CLASS}, {@code
 * KAFKA_CONFIG_PROVIDERS_<ALIAS>_PARAM_<NAME>}) pass through, so a value may be a reference such as
 * {@code ${file:/path:key}} that the clients resolve.
 */
final class KafkaProperties {
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

  private static final Set<String> KNOWN = knownProperties();

  /** The settings Kafka treats as passwords: each may come from a file. */
  private static final Set<String> SECRETS = secretProperties();

  /** A config provider's class or one of its parameters. */
  private static final Pattern PROVIDER =
      Pattern.compile("config\\.providers\\.[a-z0-9]+\\.(class|param\\.[a-z0-9.]+)");

  private KafkaProperties() {}

  private static Set<String> knownProperties() {
    Set<String> known = new HashSet<>();
    known.addAll(ConsumerConfig.configNames());
    known.addAll(ProducerConfig.configNames());
    known.addAll(AdminClientConfig.configNames());
    return Set.copyOf(known);
  }

  private static Set<String> secretProperties() {
    Set<String> secrets = new TreeSet<>();
    for (ConfigDef def :
        List.of(
            ConsumerConfig.configDef(),
            ProducerConfig.configDef(),
            AdminClientConfig.configDef())) {
      def.configKeys().values().stream()
          .filter(key -> key.type == ConfigDef.Type.PASSWORD)
          .forEach(key -> secrets.add(key.name));
    }
    return Set.copyOf(secrets);
  }

  /** {@code KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}. */
  static String property(String variable) {
    return variable.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /**
   * Whether this variable names a Kafka client setting (passed through, or managed), a config
   * provider's setting, or the file of a secret one.
   */
  static boolean isClientVariable(String name) {
    if (!name.startsWith("KAFKA_")) {
      return false;
    }
    String property = property(name);
    return KNOWN.contains(property)
        || MANAGED.contains(property)
        || PROVIDER.matcher(property).matches()
        || secretFile(name);
  }

  /** {@code KAFKA_SSL_KEY_PASSWORD_FILE}: the file of a setting Kafka treats as a password. */
  static boolean secretFile(String name) {
    if (!name.startsWith("KAFKA_") || !name.endsWith(SecretSettings.FILE_SUFFIX)) {
      return false;
    }
    String secret = name.substring(0, name.length() - SecretSettings.FILE_SUFFIX.length());
    return !KNOWN.contains(property(name)) && SECRETS.contains(property(secret));
  }

  /** A config provider's setting: every client takes these, though none defines them by name. */
  static boolean provider(String property) {
    return property.equals("config.providers") || PROVIDER.matcher(property).matches();
  }

  /** The variable of every Kafka client setting that may be passed through. */
  static Set<String> clientVariables() {
    Set<String> names = new TreeSet<>();
    for (String property : KNOWN) {
      if (!MANAGED.contains(property)) {
        names.add("KAFKA_" + property.toUpperCase(Locale.ROOT).replace('.', '_'));
      }
    }
    return names;
  }

  static Map<String, String> passthrough(Settings settings) {
    Map<String, String> properties = new TreeMap<>();
    Set<String> fromFiles = new TreeSet<>();
    for (String name : new TreeSet<>(settings.all().keySet())) {
      if (secretFile(name)) {
        String secret = name.substring(0, name.length() - SecretSettings.FILE_SUFFIX.length());
        fromFiles.add(secret);
        SecretSettings.read(settings, secret).ifPresent(v -> properties.put(property(secret), v));
      }
    }
    for (Map.Entry<String, String> entry : new TreeMap<>(settings.all()).entrySet()) {
      String name = entry.getKey();
      if (!name.startsWith("KAFKA_")
          || name.equals("KAFKA_BOOTSTRAP_SERVERS")
          || fromFiles.contains(name)
          || secretFile(name)) {
        continue;
      }
      String property = property(name);
      if (MANAGED.contains(property)) {
        settings.problem(name + " cannot be set: the worker manages " + property + " itself");
      } else if (KNOWN.contains(property) || PROVIDER.matcher(property).matches()) {
        properties.put(property, entry.getValue());
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
