package dev.nimblekafka.config;

import dev.nimblekafka.nimble.ApiKey;
import dev.nimblekafka.nimble.NimbleClientSettings;
import dev.nimblekafka.nimble.ResilienceSettings;
import dev.nimblekafka.request.AllowedDestinations;
import dev.nimblekafka.wire.ApiVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Loads {@link WorkerConfig} from a {@link ConfigSource} (environment variables over an optional
 * properties file, same names), checks every value, and fails with one message that names each bad
 * setting. Unknown settings are warned about, with the closest known name.
 */
public final class ConfigLoader {
  /** The properties file may also be named by this variable. */
  public static final String CONFIG_FILE = ConfigSource.CONFIG_FILE;

  private ConfigLoader() {}

  public static WorkerConfig load(Map<String, String> environment, Optional<Path> file) {
    return load(ConfigSource.of(environment, file));
  }

  public static WorkerConfig load(ConfigSource source) {
    Settings s = new Settings(source.values());
    UnknownSettings.check(source, strict(s), s);
    return load(s);
  }

  /** The Kafka side only, for the command-line tools: the same sources as the worker. */
  public static ClientSettings loadClient(ConfigSource source) {
    Settings s = new Settings(source.values());
    UnknownSettings.check(source, strict(s), s, true);
    Topics topics = topics(s);
    ClientSettings settings =
        new ClientSettings(
            s.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
            KafkaProperties.passthrough(s),
            topics,
            s.string("WORKER_GROUP_ID", "nimble-worker"));
    finish(s);
    return settings;
  }

  /** {@code USAGE_TOPIC}, checked: where the tools read the usage ledger. */
  public static String usageTopic(ConfigSource source) {
    Settings s = new Settings(source.values());
    String topic = LedgerSettings.topic(s);
    finish(s);
    return topic;
  }

  /** {@code LOG_LEVEL} and {@code LOG_FORMAT}, checked. */
  public static LogSettings logging(ConfigSource source) {
    Settings s = new Settings(source.values());
    LogSettings logging = logging(s);
    finish(s);
    return logging;
  }

  private static LogSettings logging(Settings s) {
    String format = s.string("LOG_FORMAT", "plain").toLowerCase(Locale.ROOT);
    if (!format.equals("plain") && !format.equals("json")) {
      s.problem("LOG_FORMAT must be plain or json but was " + format);
    }
    String level = s.string("LOG_LEVEL", "INFO").toUpperCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(level)) {
      s.problem("LOG_LEVEL must be one of " + LOG_LEVELS + " but was " + level);
    }
    s.describe("LOG_FORMAT", "plain", "plain, json");
    s.describe("LOG_LEVEL", "INFO", String.join(", ", LOG_LEVELS));
    return new LogSettings(level, format);
  }

  private static final List<String> LOG_LEVELS =
      List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  /** {@code CONFIG_STRICT}: unknown settings stop start-up instead of being warned about. */
  private static boolean strict(Settings s) {
    return s.bool("CONFIG_STRICT", false);
  }

  private static void finish(Settings s) {
    assert s.asked().stream()
            .allMatch(n -> SettingNames.KNOWN.contains(n) || KafkaProperties.isClientVariable(n))
        : "not in SettingNames: " + s.asked();
    if (!s.problems().isEmpty()) {
      throw new ConfigException(s.problems());
    }
  }

  private static Topics topics(Settings s) {
    Topics topics =
        new Topics(
            s.string("REQUESTS_TOPIC", "nimble.requests"),
            s.string("RESULTS_TOPIC", "nimble.results"),
            s.string("FAILURES_TOPIC", "nimble.failures"),
            s.string("STATE_TOPIC", "nimble.worker.state"),
            s.string("CALLBACKS_TOPIC", "nimble.worker.callbacks"));
    checkTopicNames(s, topics);
    return topics;
  }

  /**
   * Every setting the worker reads, with its default and bounds as this class reads them: the
   * settings reference in the README is checked against it.
   */
  static Map<String, Settings.Spec> reference() {
    // callbacks on, so that their settings are read too
    Settings s =
        new Settings(
            Map.of(
                "NIMBLE_API_KEY", "reference",
                "CALLBACK_BASE_URL", "https://callbacks.example",
                "CALLBACK_SECRET", "reference-secret-0123456789"));
    strict(s);
    load(s);
    return s.specs();
  }

  private static WorkerConfig load(Settings s) {
    String groupId = s.string("WORKER_GROUP_ID", "nimble-worker");
    String instanceId = s.string("WORKER_INSTANCE_ID", defaultInstanceId());
    s.describe("WORKER_INSTANCE_ID", "host name + random", "unique per pod");
    KafkaConfig kafka =
        new KafkaConfig(
            s.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
            groupId,
            instanceId,
            KafkaProperties.passthrough(s),
            s.enumValue(
                "PROCESSING_GUARANTEE",
                ProcessingGuarantee.class,
                ProcessingGuarantee.EXACTLY_ONCE),
            s.duration("COMMIT_INTERVAL", Duration.ofMillis(100), Duration.ofMillis(10)),
            s.duration("TRANSACTION_TIMEOUT", Duration.ofSeconds(10), Duration.ofSeconds(1)),
            s.bool("CREATE_TOPICS", true),
            s.integer("TOPIC_PARTITIONS", 12, 1, 10_000));
    Topics topics = topics(s);

    s.describe("NIMBLE_API_KEY", "(required)", "");
    String key = SecretSettings.read(s, "NIMBLE_API_KEY").orElse("");
    if (key.isEmpty() && !s.mentions("NIMBLE_API_KEY")) {
      s.problem(
          "NIMBLE_API_KEY must be set (the Nimble API key, sent as a Bearer token),"
              + " or NIMBLE_API_KEY_FILE to a file holding it");
    }
    NimbleClientSettings nimble =
        new NimbleClientSettings(
            s.uri("NIMBLE_BASE_URL", NimbleClientSettings.DEFAULT_BASE_URL),
            key.isEmpty() ? ApiKey.of("unset") : ApiKey.of(key),
            s.duration("NIMBLE_CONNECT_TIMEOUT", Duration.ofSeconds(10), Duration.ofMillis(100)),
            s.duration("NIMBLE_REQUEST_TIMEOUT", Duration.ofSeconds(60), Duration.ofMillis(100)),
            s.enumValue("NIMBLE_API_VERSION", ApiVersion.class, ApiVersion.V1));
    ResilienceSettings defaults = ResilienceSettings.defaults();
    ResilienceSettings resilience =
        new ResilienceSettings(
            s.integer("NIMBLE_QPS", defaults.callsPerSecond(), 1, 100_000),
            s.integer("NIMBLE_MAX_ATTEMPTS", defaults.maxAttempts(), 1, 100),
            s.duration("NIMBLE_BACKOFF_INITIAL", defaults.backoffInitial(), Duration.ofMillis(1)),
            s.duration("NIMBLE_BACKOFF_MAX", defaults.backoffMax(), Duration.ofMillis(1)),
            s.integer("CIRCUIT_FAILURE_RATE", defaults.breakerFailureRate(), 1, 100),
            s.integer("CIRCUIT_WINDOW", defaults.breakerWindow(), 2, 10_000),
            s.duration("CIRCUIT_OPEN_WAIT", defaults.breakerOpenWait(), Duration.ofMillis(100)));
    if (resilience.backoffMax().compareTo(resilience.backoffInitial()) < 0) {
      s.problem(
          "NIMBLE_BACKOFF_MAX must be >= NIMBLE_BACKOFF_INITIAL ("
              + Settings.format(resilience.backoffInitial())
              + ") but was "
              + Settings.format(resilience.backoffMax()));
    }
    long maxAnswerBytes =
        s.longValue(
            "NIMBLE_MAX_ANSWER_BYTES",
            NimbleClientSettings.DEFAULT_MAX_ANSWER_BYTES,
            1024,
            Integer.MAX_VALUE);
    long maxPageBytes =
        s.longValue(
            "NIMBLE_MAX_PAGE_BYTES",
            NimbleClientSettings.DEFAULT_MAX_PAGE_BYTES,
            1024,
            Long.MAX_VALUE);
    if (maxPageBytes < maxAnswerBytes) {
      s.problem(
          "NIMBLE_MAX_PAGE_BYTES must be >= NIMBLE_MAX_ANSWER_BYTES ("
              + maxAnswerBytes
              + ") but was "
              + maxPageBytes);
      maxPageBytes = maxAnswerBytes;
    }
    // one answer's retry-after never holds calls longer than the longest backoff
    nimble = nimble.withLimits(maxAnswerBytes, maxPageBytes, resilience.backoffMax());
    TaskConfig tasks =
        new TaskConfig(
            s.integer("MAX_PENDING_TASKS", 100_000, 1, 10_000_000),
            s.integer("TASK_MAX_ATTEMPTS", 3, 1, 100),
            s.duration("TASK_EXPECTED_DURATION", Duration.ofSeconds(5), Duration.ofMillis(1)),
            s.duration("POLL_MIN_INTERVAL", Duration.ofSeconds(1), Duration.ofMillis(10)),
            s.duration("POLL_MAX_INTERVAL", Duration.ofSeconds(30), Duration.ofMillis(10)),
            s.duration("TASK_RETENTION", Duration.ofHours(24), Duration.ofSeconds(1)),
            s.longValue("MAX_RESULT_BYTES", 10L * 1024 * 1024, 1024, Integer.MAX_VALUE),
            s.duration("ACCESS_RECHECK_INTERVAL", Duration.ofSeconds(30), Duration.ofMillis(100)),
            pendingBytes(s));
    if (tasks.pollMaxInterval().compareTo(tasks.pollMinInterval()) < 0) {
      s.problem(
          "POLL_MAX_INTERVAL must be >= POLL_MIN_INTERVAL ("
              + Settings.format(tasks.pollMinInterval())
              + ") but was "
              + Settings.format(tasks.pollMaxInterval()));
    }
    KeyConfig plan =
        new KeyConfig(
            s.integer("NIMBLE_PLAN_TASKS", 100, 1, 100_000),
            s.integer("NIMBLE_QUEUE_AHEAD_PERCENT", 100, 0, 1_000),
            s.integer("POLL_LIST_LIMIT", 500, 0, 1_000));
    s.describe("CALLBACK_BASE_URL", "unset", "an http(s) URL; unset turns callbacks off");
    s.describe("CALLBACK_SECRET", "unset", ">= 16 characters when CALLBACK_BASE_URL is set");
    CallbackConfig callbacks =
        new CallbackConfig(
            s.optional("CALLBACK_BASE_URL").isPresent() ? s.uri("CALLBACK_BASE_URL", null) : null,
            SecretSettings.read(s, "CALLBACK_SECRET").orElse(null),
            s.duration("CALLBACK_SAFETY_INTERVAL", Duration.ofSeconds(60), Duration.ofSeconds(1)),
            s.integer("CALLBACK_MAX_BODY_BYTES", 65_536, 256, 16 * 1024 * 1024));
    if (callbacks.enabled()
        && !s.mentions("CALLBACK_SECRET")
        && (callbacks.secret() == null || callbacks.secret().length() < 16)) {
      s.problem(
          "CALLBACK_SECRET (or the file CALLBACK_SECRET_FILE names) must hold at least 16"
              + " characters when CALLBACK_BASE_URL is set");
    }
    AllowedDestinations destinations = DestinationSettings.read(s);
    TenantConfig tenants = TenantSettings.read(s);
    LedgerConfig ledger = LedgerSettings.read(s);
    for (String other :
        java.util.List.of(
            topics.requests(),
            topics.results(),
            topics.failures(),
            topics.state(),
            topics.callbacks())) {
      if (other.equals(ledger.topic())) {
        s.problem("USAGE_TOPIC must differ from the other topics but is '" + other + "'");
      }
    }
    BatchConfig batch =
        new BatchConfig(
            s.bool("BATCH_SUBMIT", true),
            s.integer("BATCH_MAX_SIZE", 100, 1, 1_000),
            s.duration("BATCH_LINGER", Duration.ofMillis(20), Duration.ZERO),
            s.duration("BATCH_MAX_LINGER", Duration.ofSeconds(2), Duration.ZERO));
    if (batch.maxLinger().compareTo(batch.linger()) < 0) {
      s.problem(
          "BATCH_MAX_LINGER must be >= BATCH_LINGER ("
              + Settings.format(batch.linger())
              + ") but was "
              + Settings.format(batch.maxLinger()));
    }
    OutcomeConfig outcomes = OutcomeSettings.read(s, topics);
    logging(s);
    int httpPort = s.integer("HTTP_PORT", 8080, 0, 65_535);
    int adminPort = s.integer("ADMIN_PORT", 8081, 0, 65_535);
    if (adminPort != 0 && adminPort == httpPort) {
      s.problem("ADMIN_PORT must differ from HTTP_PORT but both are " + adminPort);
    }
    Duration stallLimit =
        s.duration("LOOP_STALL_LIMIT", Duration.ofMinutes(2), Duration.ofSeconds(10));
    Duration slowestCommit = kafka.transactionTimeout().multipliedBy(2);
    if (stallLimit.compareTo(slowestCommit) < 0) {
      s.problem(
          "LOOP_STALL_LIMIT must be >= twice TRANSACTION_TIMEOUT ("
              + Settings.format(slowestCommit)
              + ") but was "
              + Settings.format(stallLimit));
    }
    Duration grace = s.duration("SHUTDOWN_GRACE_PERIOD", Duration.ofSeconds(30), Duration.ZERO);

    finish(s);
    return new WorkerConfig(
        kafka,
        topics,
        nimble,
        resilience,
        tasks,
        plan,
        callbacks,
        destinations,
        tenants,
        ledger,
        batch,
        outcomes,
        httpPort,
        adminPort,
        stallLimit,
        grace);
  }

  /** The smallest {@code MAX_PENDING_BYTES}: a request as large as the state topic allows. */
  static final long MIN_PENDING_BYTES = 1_048_576;

  /**
   * {@code MAX_PENDING_BYTES}: a quarter of the heap unless set, and never more than the heap (the
   * rest is the requests being parsed and written, results, Kafka's buffers and the JVM's own).
   */
  private static long pendingBytes(Settings s) {
    long heap = Runtime.getRuntime().maxMemory();
    long fallback = Math.max(MIN_PENDING_BYTES, heap == Long.MAX_VALUE ? 256L << 20 : heap / 4);
    long value = s.longValue("MAX_PENDING_BYTES", fallback, MIN_PENDING_BYTES, Long.MAX_VALUE);
    s.describe("MAX_PENDING_BYTES", "a quarter of the heap", ">= " + MIN_PENDING_BYTES);
    if (heap != Long.MAX_VALUE && value > heap) {
      s.problem(
          "MAX_PENDING_BYTES must be at most the heap (" + heap + " bytes, -Xmx) but was " + value);
    }
    return value;
  }

  private static void checkTopicNames(Settings s, Topics topics) {
    for (String name :
        List.of(
            "REQUESTS_TOPIC",
            "RESULTS_TOPIC",
            "FAILURES_TOPIC",
            "STATE_TOPIC",
            "CALLBACKS_TOPIC")) {
      Settings.Spec spec = s.specs().get(name);
      s.describe(name, spec.fallback(), "a Kafka topic name, unlike the other five");
    }
    String[][] named = {
      {"REQUESTS_TOPIC", topics.requests()},
      {"RESULTS_TOPIC", topics.results()},
      {"FAILURES_TOPIC", topics.failures()},
      {"STATE_TOPIC", topics.state()},
      {"CALLBACKS_TOPIC", topics.callbacks()}
    };
    Map<String, String> seen = new HashMap<>();
    for (String[] pair : named) {
      if (!pair[1].matches("[a-zA-Z0-9._-]{1,249}")) {
        s.problem(pair[0] + " must be a valid Kafka topic name but was '" + pair[1] + "'");
      }
      String previous = seen.putIfAbsent(pair[1], pair[0]);
      if (previous != null) {
        s.problem(pair[0] + " must differ from " + previous + " but both are '" + pair[1] + "'");
      }
    }
  }

  private static String defaultInstanceId() {
    String host = System.getenv("HOSTNAME");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    return (host == null || host.isBlank() ? "worker" : host) + "-" + suffix;
  }
}
