package dev.nimblekafka.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration never prints a secret: not as a whole, and not in its error messages. */
class ConfigSecretsTest {
  private static final String API_KEY = "nk_cfg_Rt8Zw3Mc6Yb1";
  private static final String CALLBACK_SECRET = "cb-secret-Vx9Lp4Hq2Jd5";
  private static final String SASL_PASSWORD = "sasl-pw-Mc6Yb1Rt8Zw3";
  private static final String SSL_PASSWORD = "ssl-pw-Lp4Hq2Vx9Jd5";
  private static final List<String> SECRETS =
      List.of(API_KEY, CALLBACK_SECRET, SASL_PASSWORD, SSL_PASSWORD);

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("NIMBLE_API_KEY", API_KEY);
    env.put("CALLBACK_BASE_URL", "https://worker.example");
    env.put("CALLBACK_SECRET", CALLBACK_SECRET);
    env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    env.put("KAFKA_SASL_MECHANISM", "PLAIN");
    env.put(
        "KAFKA_SASL_JAAS_CONFIG",
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"worker\" password=\""
            + SASL_PASSWORD
            + "\";");
    env.put("KAFKA_SSL_TRUSTSTORE_PASSWORD", SSL_PASSWORD);
    env.put("KAFKA_SSL_KEY_PASSWORD", SSL_PASSWORD);
    return env;
  }

  @Test
  void theSecretsArePassedToKafkaAsGiven() {
    WorkerConfig config = ConfigLoader.load(env(), Optional.empty());
    assertThat(config.kafka().clientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("ssl.key.password", SSL_PASSWORD);
    assertThat(config.kafka().clientProperties().get("sasl.jaas.config")).contains(SASL_PASSWORD);
  }

  @Test
  void theConfigurationPrintsNoSecret() {
    String printed = String.valueOf(ConfigLoader.load(env(), Optional.empty()));
    for (String secret : SECRETS) {
      assertThat(printed).as("the printed configuration").doesNotContain(secret);
    }
  }

  @Test
  void aBadKafkaSettingIsNamedWithoutPrintingTheSecrets() {
    Map<String, String> env = env();
    env.put("KAFKA_SECURITY_PROTOCOL", "BOGUS");
    env.put("KAFKA_SSL_KEYSTORE_PASSWORD", SSL_PASSWORD);
    Throwable error = catchThrowable(() -> ConfigLoader.load(env, Optional.empty()));
    assertThat(error).isInstanceOf(ConfigException.class).hasMessageContaining("BOGUS");
    for (String secret : SECRETS) {
      assertThat(error.getMessage()).doesNotContain(secret);
    }
  }

  @Test
  void theApiKeyIsReadFromTheFileNimbleApiKeyFileNames(@TempDir Path dir) throws IOException {
    Map<String, String> env = env();
    env.remove("NIMBLE_API_KEY");
    env.put("NIMBLE_API_KEY_FILE", write(dir, "key", "  " + API_KEY + "\n").toString());

    WorkerConfig config = ConfigLoader.load(env, Optional.empty());

    assertThat(config.nimble().apiKey().scrub(API_KEY))
        .as("the key is exactly the file's")
        .isEqualTo("****");
  }

  @Test
  void theCallbackSecretIsReadFromTheFileCallbackSecretFileNames(@TempDir Path dir)
      throws IOException {
    Map<String, String> env = env();
    env.remove("CALLBACK_SECRET");
    env.put("CALLBACK_SECRET_FILE", write(dir, "secret", CALLBACK_SECRET + "\r\n").toString());

    WorkerConfig config = ConfigLoader.load(env, Optional.empty());

    assertThat(config.callbacks().secret()).isEqualTo(CALLBACK_SECRET);
  }

  @Test
  void aSecretGivenBothPlainAndAsAFileIsRefusedNamingBoth(@TempDir Path dir) throws IOException {
    Map<String, String> env = env();
    env.put("NIMBLE_API_KEY_FILE", write(dir, "key", API_KEY).toString());
    env.put("CALLBACK_SECRET_FILE", write(dir, "secret", CALLBACK_SECRET).toString());

    Throwable error = catchThrowable(() -> ConfigLoader.load(env, Optional.empty()));

    assertThat(error)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NIMBLE_API_KEY and NIMBLE_API_KEY_FILE")
        .hasMessageContaining("CALLBACK_SECRET and CALLBACK_SECRET_FILE");
    for (String secret : SECRETS) {
      assertThat(error.getMessage()).doesNotContain(secret);
    }
  }

  @Test
  void aSecretFileThatCannotBeReadIsNamedWithItsPath(@TempDir Path dir) {
    Map<String, String> env = env();
    env.remove("NIMBLE_API_KEY");
    Path missing = dir.resolve("no-such-key");
    env.put("NIMBLE_API_KEY_FILE", missing.toString());

    assertThatThrownBy(() -> ConfigLoader.load(env, Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NIMBLE_API_KEY_FILE")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aSecretFileTooShortIsRefusedWithoutPrintingItsContent(@TempDir Path dir) throws IOException {
    Map<String, String> env = env();
    env.remove("CALLBACK_SECRET");
    String tooShort = "short-Zq7Wx";
    Path file = write(dir, "secret", tooShort);
    env.put("CALLBACK_SECRET_FILE", file.toString());

    Throwable error = catchThrowable(() -> ConfigLoader.load(env, Optional.empty()));

    assertThat(error).isInstanceOf(ConfigException.class).hasMessageContaining("CALLBACK_SECRET");
    assertThat(error.getMessage()).doesNotContain(tooShort);
  }

  @Test
  void anEmptySecretFileIsRefusedNamingTheSettingAndThePath(@TempDir Path dir) throws IOException {
    Map<String, String> env = env();
    env.remove("NIMBLE_API_KEY");
    Path file = write(dir, "key", " \n");
    env.put("NIMBLE_API_KEY_FILE", file.toString());

    assertThatThrownBy(() -> ConfigLoader.load(env, Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NIMBLE_API_KEY_FILE")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("empty");
  }

  private static Path write(Path dir, String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
