package dev.nimblekafka.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SCHEMA_REGISTRY_* and CLOUDEVENTS*: off unless set, checked, the credentials never printed. */
class OutcomeConfigTest {
  private static final String USER_INFO = "svc:sr-pw-Qz7Kd2Wn5";

  private static WorkerConfig load(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("NIMBLE_API_KEY", "sk-test-123");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return ConfigLoader.load(env, Optional.empty());
  }

  @Test
  void outcomesArePlainJsonUnlessSet() {
    OutcomeConfig outcomes = load().outcomes();
    assertThat(outcomes.schemaRegistryUrl()).isNull();
    assertThat(outcomes.cloudEvents()).isFalse();
  }

  @Test
  void aRegistryWithBasicAuthAndCloudEventsAreRead() {
    OutcomeConfig outcomes =
        load(
                "SCHEMA_REGISTRY_URL", "https://registry.example/apis/ccompat/v7",
                "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", USER_INFO,
                "CLOUDEVENTS", "binary",
                "REQUESTS_TOPIC", "orders.requests")
            .outcomes();
    assertThat(outcomes.schemaRegistryUrl())
        .isEqualTo(URI.create("https://registry.example/apis/ccompat/v7"));
    assertThat(outcomes.schemaRegistryUserInfo()).isEqualTo(USER_INFO);
    assertThat(outcomes.cloudEvents()).isTrue();
    assertThat(outcomes.cloudEventsSource()).isEqualTo("/nimble-kafka-worker/orders.requests");
    assertThat(String.valueOf(load("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", USER_INFO)))
        .doesNotContain("sr-pw");
  }

  @Test
  void theRegistryUserInfoComesFromAFile(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("user-info"), USER_INFO + "\n");
    assertThat(
            load(
                    "SCHEMA_REGISTRY_URL",
                    "http://registry:8081",
                    "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE",
                    file.toString())
                .outcomes()
                .schemaRegistryUserInfo())
        .isEqualTo(USER_INFO);
  }

  @Test
  void badValuesNameTheSettingAndNeverTheCredentials() {
    assertThatThrownBy(() -> load("CLOUDEVENTS", "structured"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CLOUDEVENTS must be one of [off, binary]");
    assertThatThrownBy(() -> load("SCHEMA_REGISTRY_URL", "registry:8081"))
        .hasMessageContaining("SCHEMA_REGISTRY_URL must be an http(s) URL");
    assertThatThrownBy(() -> load("SCHEMA_REGISTRY_URL", "https://svc:pw@registry.example"))
        .hasMessageContaining("SCHEMA_REGISTRY_URL must not hold credentials")
        .hasMessageContaining("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")
        .hasMessageNotContaining("svc:pw");
    assertThatThrownBy(() -> load("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "no-colon-pw"))
        .hasMessageContaining("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO must be user:password")
        .hasMessageNotContaining("no-colon-pw");
    assertThatThrownBy(() -> load("CLOUDEVENTS", "binary", "CLOUDEVENTS_SOURCE", "not a uri"))
        .hasMessageContaining("CLOUDEVENTS_SOURCE must be a URI reference");
    assertThatThrownBy(() -> load("CLOUDEVENTS_SOURCE", "/" + "s".repeat(256)))
        .hasMessageContaining("CLOUDEVENTS_SOURCE must be at most 256 characters but has 257");
  }
}
