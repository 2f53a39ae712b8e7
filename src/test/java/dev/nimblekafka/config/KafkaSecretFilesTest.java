package dev.nimblekafka.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import dev.nimblekafka.testkit.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's secrets come from files too: {@code KAFKA_<NAME>_FILE} for each password, key or JAAS
 * setting, and Kafka's own config providers ({@code ${file:path:key}}) pass through to the clients.
 */
class KafkaSecretFilesTest {
  private static final String SASL_PASSWORD = "sasl-pw-Zw3Mc6Yb1Rt8";
  private static final String SSL_PASSWORD = "ssl-pw-Hq2Vx9Jd5Lp4";
  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required"
          + " username=\"worker\" password=\""
          + SASL_PASSWORD
          + "\";";

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("NIMBLE_API_KEY", "sk-kafka-files");
    env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    env.put("KAFKA_SASL_MECHANISM", "PLAIN");
    return env;
  }

  private static Path write(Path dir, String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void kafkaPasswordsAreReadFromTheFilesTheirFileSettingsName(@TempDir Path dir)
      throws IOException {
    Map<String, String> env = env();
    env.put("KAFKA_SASL_JAAS_CONFIG_FILE", write(dir, "jaas", JAAS + "\n").toString());
    env.put("KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", write(dir, "ts", SSL_PASSWORD).toString());
    env.put("KAFKA_SSL_KEYSTORE_PASSWORD_FILE", write(dir, "ks", SSL_PASSWORD).toString());
    env.put("KAFKA_SSL_KEY_PASSWORD_FILE", write(dir, "key", SSL_PASSWORD).toString());

    List<String> warnings;
    WorkerConfig config;
    try (LogCapture logs = LogCapture.start(Map.of("dev.nimblekafka.config", Level.INFO))) {
      config = ConfigLoader.load(env, Optional.empty());
      warnings = logs.lines().stream().filter(l -> l.startsWith("WARN")).toList();
    }

    assertThat(config.kafka().clientProperties())
        .containsEntry("sasl.jaas.config", JAAS)
        .containsEntry("ssl.truststore.password", SSL_PASSWORD)
        .containsEntry("ssl.keystore.password", SSL_PASSWORD)
        .containsEntry("ssl.key.password", SSL_PASSWORD)
        .doesNotContainKey("sasl.jaas.config.file");
    assertThat(warnings).as("the _FILE names are known").isEmpty();
    assertThat(config.toString()).doesNotContain(SASL_PASSWORD).doesNotContain(SSL_PASSWORD);
  }

  @Test
  void theCommandLineToolsReadKafkaSecretFilesToo(@TempDir Path dir) throws IOException {
    Map<String, String> env = env();
    env.put("KAFKA_SASL_JAAS_CONFIG_FILE", write(dir, "jaas", JAAS).toString());

    ClientSettings settings = ConfigLoader.loadClient(ConfigSource.of(env, Optional.empty()));

    assertThat(settings.clientProperties()).containsEntry("sasl.jaas.config", JAAS);
  }

  @Test
  void aKafkaSecretGivenBothPlainAndAsAFileIsRefusedNamingBoth(@TempDir Path dir)
      throws IOException {
    Map<String, String> env = env();
    env.put("KAFKA_SSL_KEY_PASSWORD", SSL_PASSWORD);
    env.put("KAFKA_SSL_KEY_PASSWORD_FILE", write(dir, "key", SSL_PASSWORD).toString());

    Throwable error = catchThrowable(() -> ConfigLoader.load(env, Optional.empty()));

    assertThat(error)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_SSL_KEY_PASSWORD and KAFKA_SSL_KEY_PASSWORD_FILE")
        .hasMessageNotContaining(SSL_PASSWORD);
  }

  @Test
  void aFileSettingForANonSecretKafkaSettingIsUnknown() {
    Map<String, String> env = env();
    env.put("CONFIG_STRICT", "true");
    env.put("KAFKA_CLIENT_ID_FILE", "/nowhere");

    Throwable error = catchThrowable(() -> ConfigLoader.load(env, Optional.empty()));

    assertThat(error)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_CLIENT_ID_FILE");
  }

  @Test
  void configProvidersPassThroughSoAFileReferenceReachesTheClient(@TempDir Path dir)
      throws IOException {
    Path secrets = write(dir, "kafka.properties", "password=" + SSL_PASSWORD + "\n");
    Map<String, String> env = env();
    env.put("CONFIG_STRICT", "true"); // the provider's names are known
    env.put("KAFKA_CONFIG_PROVIDERS", "file");
    env.put(
        "KAFKA_CONFIG_PROVIDERS_FILE_CLASS",
        "org.apache.kafka.common.config.provider.FileConfigProvider");
    env.put("KAFKA_CONFIG_PROVIDERS_FILE_PARAM_ALLOWED_PATHS", dir.toString());
    env.put("KAFKA_SSL_TRUSTSTORE_PASSWORD", "${file:" + secrets + ":password}");

    WorkerConfig config = ConfigLoader.load(env, Optional.empty());

    Map<String, String> properties = config.kafka().clientProperties();
    assertThat(properties)
        .containsEntry("config.providers", "file")
        .containsEntry(
            "config.providers.file.class",
            "org.apache.kafka.common.config.provider.FileConfigProvider")
        .containsEntry("config.providers.file.param.allowed.paths", dir.toString());
    Map<String, Object> client = new HashMap<>(properties);
    client.put("bootstrap.servers", "localhost:9092");
    client.put("key.deserializer", ByteArrayDeserializer.class);
    client.put("value.deserializer", ByteArrayDeserializer.class);
    ConsumerConfig resolved = new ConsumerConfig(client);
    assertThat(resolved.getPassword("ssl.truststore.password").value()).isEqualTo(SSL_PASSWORD);
    assertThat(config.toString()).doesNotContain(SSL_PASSWORD);
  }
}
