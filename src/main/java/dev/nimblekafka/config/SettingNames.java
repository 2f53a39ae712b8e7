package dev.nimblekafka.config;

import java.util.List;
import java.util.Set;

/** The name of every setting the worker and the tools read, and the prefixes they share. */
final class SettingNames {

  /** Every setting read by {@link ConfigLoader}, by Logback and by the tools. */
  static final Set<String> KNOWN =
      Set.of(
          ConfigSource.CONFIG_FILE,
          "CONFIG_STRICT",
          "KAFKA_BOOTSTRAP_SERVERS",
          "WORKER_GROUP_ID",
          "WORKER_INSTANCE_ID",
          "PROCESSING_GUARANTEE",
          "COMMIT_INTERVAL",
          "TRANSACTION_TIMEOUT",
          "CREATE_TOPICS",
          "TOPIC_PARTITIONS",
          "REQUESTS_TOPIC",
          "RESULTS_TOPIC",
          "FAILURES_TOPIC",
          "STATE_TOPIC",
          "CALLBACKS_TOPIC",
          "USAGE_TOPIC",
          "NIMBLE_API_KEY",
          "NIMBLE_API_KEY_FILE",
          "NIMBLE_BASE_URL",
          "NIMBLE_API_VERSION",
          "NIMBLE_CONNECT_TIMEOUT",
          "NIMBLE_REQUEST_TIMEOUT",
          "NIMBLE_MAX_ANSWER_BYTES",
          "NIMBLE_MAX_PAGE_BYTES",
          "NIMBLE_QPS",
          "NIMBLE_PLAN_TASKS",
          "NIMBLE_QUEUE_AHEAD_PERCENT",
          "NIMBLE_MAX_ATTEMPTS",
          "NIMBLE_BACKOFF_INITIAL",
          "NIMBLE_BACKOFF_MAX",
          "CIRCUIT_FAILURE_RATE",
          "CIRCUIT_WINDOW",
          "CIRCUIT_OPEN_WAIT",
          "MAX_PENDING_TASKS",
          "MAX_PENDING_BYTES",
          "TASK_MAX_ATTEMPTS",
          "TASK_EXPECTED_DURATION",
          "POLL_MIN_INTERVAL",
          "POLL_MAX_INTERVAL",
          "POLL_LIST_LIMIT",
          "TASK_RETENTION",
          "MAX_RESULT_BYTES",
          "ACCESS_RECHECK_INTERVAL",
          "CALLBACK_BASE_URL",
          "CALLBACK_SECRET",
          "CALLBACK_SECRET_FILE",
          "CALLBACK_SAFETY_INTERVAL",
          "CALLBACK_MAX_BODY_BYTES",
          "ALLOWED_CALLBACK_HOSTS",
          "ALLOWED_STORAGE_PREFIXES",
          "TENANT_HEADER",
          "TENANT_WEIGHTS",
          "TENANT_MAX_TASKS",
          "TENANT_DAILY_TASKS",
          "TENANT_OVER_BUDGET",
          "PRIORITY_AGING",
          "PRICE_TABLE",
          "PRICE_DEFAULT_DRIVER",
          "BATCH_SUBMIT",
          "BATCH_MAX_SIZE",
          "BATCH_LINGER",
          "BATCH_MAX_LINGER",
          "SCHEMA_REGISTRY_URL",
          "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO",
          "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE",
          "CLOUDEVENTS",
          "CLOUDEVENTS_SOURCE",
          "LOG_FORMAT",
          "LOG_LEVEL",
          "HTTP_PORT",
          "ADMIN_PORT",
          "LOOP_STALL_LIMIT",
          "SHUTDOWN_GRACE_PERIOD");

  /**
   * The prefixes two or more settings share (and {@code KAFKA_}, the client passthrough). An
   * environment variable with one of them is meant for this program; others (PATH, HTTP_PROXY, ...)
   * belong to other software and are not checked.
   */
  static final List<String> PREFIXES =
      List.of(
          "KAFKA_",
          "NIMBLE_",
          "WORKER_",
          "TASK_",
          "POLL_",
          "CIRCUIT_",
          "CALLBACK_",
          "BATCH_",
          "MAX_",
          "LOG_",
          "ALLOWED_",
          "TENANT_",
          "PRIORITY_",
          "SCHEMA_REGISTRY_",
          "CLOUDEVENTS",
          "PRICE_");

  /** The endings many settings share: a name ending so is meant for this program. */
  static final List<String> SUFFIXES = List.of("_TOPIC", "_TOPICS", "_INTERVAL", "_TIMEOUT");

  private SettingNames() {}

  static boolean prefixed(String name) {
    return PREFIXES.stream().anyMatch(name::startsWith);
  }

  static boolean suffixed(String name) {
    return SUFFIXES.stream().anyMatch(name::endsWith);
  }

  /**
   * A variable Kubernetes injects for each Service in the namespace ({@code <SVC>_SERVICE_HOST},
   * {@code <SVC>_PORT=tcp://...}, {@code <SVC>_PORT_8080_TCP_ADDR}, ...).
   */
  static boolean serviceLink(String name, String value) {
    return name.matches(".+_SERVICE_(HOST|PORT(_[A-Z0-9_]+)?)")
        || name.matches(".+_PORT_\\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?")
        || (name.endsWith("_PORT") && value != null && value.matches("(tcp|udp|sctp)://.*"));
  }
}
