package dev.nimblekafka.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("NIMBLE_API_KEY", "sk-test-123");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void defaultsMatchTheDocumentedContract() {
    WorkerConfig config = ConfigLoader.load(env(), Optional.empty());
    assertThat(config.topics().requests()).isEqualTo("nimble.requests");
    assertThat(config.topics().results()).isEqualTo("nimble.results");
    assertThat(config.topics().failures()).isEqualTo("nimble.failures");
    assertThat(config.topics().state()).isEqualTo("nimble.worker.state");
    assertThat(config.kafka().groupId()).isEqualTo("nimble-worker");
    assertThat(config.kafka().guarantee()).isEqualTo(ProcessingGuarantee.EXACTLY_ONCE);
    assertThat(config.nimble().baseUrl().toString()).isEqualTo("https://sdk.nimbleway.com");
    assertThat(config.tasks().maxPending()).isEqualTo(100_000);
    assertThat(config.key().planTasks()).isEqualTo(100);
    assertThat(config.key().queueAheadPercent()).isEqualTo(100);
    assertThat(config.key().fleetTasks()).isEqualTo(200);
    assertThat(config.key().listLimit()).isEqualTo(500);
    assertThat(config.batch().maxLinger()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.resilience().callsPerSecond()).isEqualTo(83);
    assertThat(config.httpPort()).isEqualTo(8080);
  }

  @Test
  void nimblesAnswersAndRetryAfterHintsAreBounded() {
    WorkerConfig defaults = ConfigLoader.load(env(), Optional.empty());
    assertThat(defaults.nimble().maxAnswerBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(defaults.nimble().maxPageBytes()).isEqualTo(256L * 1024 * 1024);
    assertThat(defaults.nimble().maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
    WorkerConfig set =
        ConfigLoader.load(
            env("NIMBLE_BACKOFF_MAX", "5s", "NIMBLE_MAX_ANSWER_BYTES", "2048"), Optional.empty());
    assertThat(set.nimble().maxRetryAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(set.nimble().maxAnswerBytes()).isEqualTo(2048);
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    env("NIMBLE_MAX_ANSWER_BYTES", "4096", "NIMBLE_MAX_PAGE_BYTES", "2048"),
                    Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NIMBLE_MAX_PAGE_BYTES must be >= NIMBLE_MAX_ANSWER_BYTES (4096)");
  }

  @Test
  void dailyBudgetsAreReadAndBadOnesNameTheSettingAndTheLimit() {
    TenantConfig none = ConfigLoader.load(env(), Optional.empty()).tenants();
    assertThat(none.dailyTasks()).isEmpty();
    assertThat(none.overBudget()).isEqualTo(TenantConfig.OverBudget.WAIT);
    TenantConfig set =
        ConfigLoader.load(
                env("TENANT_DAILY_TASKS", "acme=10000,beta=500", "TENANT_OVER_BUDGET", "fail"),
                Optional.empty())
            .tenants();
    assertThat(set.dailyTasks())
        .containsExactlyInAnyOrderEntriesOf(Map.of("acme", 10000, "beta", 500));
    assertThat(set.overBudget()).isEqualTo(TenantConfig.OverBudget.FAIL);
    assertThatThrownBy(
            () -> ConfigLoader.load(env("TENANT_DAILY_TASKS", "acme=0"), Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TENANT_DAILY_TASKS")
        .hasMessageContaining("numbers 1 to 1000000000")
        .hasMessageContaining("'acme=0'");
    assertThatThrownBy(() -> ConfigLoader.load(env("TENANT_OVER_BUDGET", "drop"), Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TENANT_OVER_BUDGET must be one of [wait, fail] but was drop");
  }

  @Test
  void theApiVersionIsV1UnlessSetToV2() {
    assertThat(ConfigLoader.load(env(), Optional.empty()).nimble().version())
        .isEqualTo(dev.nimblekafka.wire.ApiVersion.V1);
    for (String v2 : new String[] {"v2", "V2", " v2 "}) {
      assertThat(
              ConfigLoader.load(env("NIMBLE_API_VERSION", v2), Optional.empty()).nimble().version())
          .isEqualTo(dev.nimblekafka.wire.ApiVersion.V2);
    }
    assertThatThrownBy(() -> ConfigLoader.load(env("NIMBLE_API_VERSION", "v3"), Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NIMBLE_API_VERSION must be one of [v1, v2] but was v3");
  }

  @Test
  void everyBadSettingIsNamedWithItsValue() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    env(
                        "POLL_MAX_INTERVAL", "0ms",
                        "MAX_PENDING_TASKS", "lots",
                        "NIMBLE_BASE_URL", "ftp://x",
                        "PROCESSING_GUARANTEE", "maybe",
                        "RESULTS_TOPIC", "nimble.requests"),
                    Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("POLL_MAX_INTERVAL must be >= 10ms but was 0ms")
        .hasMessageContaining("MAX_PENDING_TASKS must be a whole number but was lots")
        .hasMessageContaining("NIMBLE_BASE_URL must be an http(s) URL but was ftp://x")
        .hasMessageContaining("PROCESSING_GUARANTEE must be one of")
        .hasMessageContaining("RESULTS_TOPIC must differ from REQUESTS_TOPIC");
  }

  @Test
  void theApiKeyIsRequiredAndNeverPrinted() {
    Map<String, String> noKey = env();
    noKey.remove("NIMBLE_API_KEY");
    assertThatThrownBy(() -> ConfigLoader.load(noKey, Optional.empty()))
        .hasMessageContaining("NIMBLE_API_KEY must be set");
    WorkerConfig config = ConfigLoader.load(env(), Optional.empty());
    assertThat(config.toString()).doesNotContain("sk-test-123");
  }

  @Test
  void kafkaVariablesPassThroughAsClientSettings() {
    WorkerConfig config =
        ConfigLoader.load(
            env(
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SERVICE_HOST", "10.0.0.1",
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092"),
            Optional.empty());
    assertThat(config.kafka().clientProperties())
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "PLAIN")
        .doesNotContainKey("service.host");
    assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9092");
    assertThatThrownBy(
            () -> ConfigLoader.load(env("KAFKA_ENABLE_AUTO_COMMIT", "true"), Optional.empty()))
        .hasMessageContaining("KAFKA_ENABLE_AUTO_COMMIT cannot be set");
    assertThatThrownBy(
            () -> ConfigLoader.load(env("KAFKA_SECURITY_PROTOCOL", "PIGEON"), Optional.empty()))
        .hasMessageContaining("security.protocol");
  }

  @Test
  void aPropertiesFileIsReadAndTheEnvironmentWins(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("worker.properties");
    Files.writeString(
        file, "REQUESTS_TOPIC=from-file\nCOMMIT_INTERVAL=250ms\nMAX_PENDING_TASKS=7\n");
    WorkerConfig config = ConfigLoader.load(env("MAX_PENDING_TASKS", "9"), Optional.of(file));
    assertThat(config.topics().requests()).isEqualTo("from-file");
    assertThat(config.kafka().commitInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.tasks().maxPending()).isEqualTo(9);
  }

  @Test
  void zeroIsAcceptedForADurationWhoseMinimumIsZero() {
    for (String zero : new String[] {"0", "0s", "0ms"}) {
      WorkerConfig config =
          ConfigLoader.load(
              env("SHUTDOWN_GRACE_PERIOD", zero, "BATCH_LINGER", zero), Optional.empty());
      assertThat(config.shutdownGrace()).as(zero).isEqualTo(Duration.ZERO);
      assertThat(config.batch().linger()).as(zero).isEqualTo(Duration.ZERO);
    }
    assertThatThrownBy(() -> ConfigLoader.load(env("COMMIT_INTERVAL", "0"), Optional.empty()))
        .hasMessageContaining("COMMIT_INTERVAL must be >= 10ms but was 0ms");
    assertThatThrownBy(() -> ConfigLoader.load(env("BATCH_LINGER", "-1s"), Optional.empty()))
        .hasMessageContaining("BATCH_LINGER must be a duration")
        .hasMessageContaining("but was -1s");
  }

  @Test
  void withoutAllowListsEveryDestinationIsAllowed() {
    WorkerConfig config = ConfigLoader.load(env(), Optional.empty());
    assertThat(config.destinations().callbackHosts()).isEmpty();
    assertThat(config.destinations().storagePrefixes()).isEmpty();
  }

  @Test
  void theAllowListsAreReadAsCommaSeparatedLists() {
    WorkerConfig config =
        ConfigLoader.load(
            env(
                "ALLOWED_CALLBACK_HOSTS", " hooks.example.com, *.Tenant.example ,",
                "ALLOWED_STORAGE_PREFIXES", "s3://bucket/tenant-a/,gs://other/"),
            Optional.empty());
    assertThat(config.destinations().callbackHosts())
        .containsExactly("hooks.example.com", "*.tenant.example");
    assertThat(config.destinations().storagePrefixes())
        .containsExactly("s3://bucket/tenant-a/", "gs://other/");
  }

  @Test
  void aStoragePrefixThatWouldAllowOtherBucketsIsRefused() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(env("ALLOWED_STORAGE_PREFIXES", "s3://bucket"), Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ALLOWED_STORAGE_PREFIXES")
        .hasMessageContaining("'s3://bucket'");
  }

  @Test
  void aCallbackHostThatIsNotAHostNameIsRefused() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    env("ALLOWED_CALLBACK_HOSTS", "https://hooks.example.com/"), Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ALLOWED_CALLBACK_HOSTS")
        .hasMessageContaining("'https://hooks.example.com/'");
  }
}
