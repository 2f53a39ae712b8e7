package dev.nimblekafka.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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
}
