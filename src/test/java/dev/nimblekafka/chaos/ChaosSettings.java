package dev.nimblekafka.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How a run names things and sets up its workers.
 *
 * @param prefix prefix of the topic names and the consumer group
 * @param workerEnvironment settings every worker gets on top of the run's own (topics, broker,
 *     simulator, key)
 * @param settle how long, after the last fault, the outcomes may take to be complete before the run
 *     is called stalled
 */
record ChaosSettings(
    String prefix,
    String apiKey,
    Map<String, String> workerEnvironment,
    Path logDir,
    Duration readyTimeout,
    Duration settle) {

  /** The prefix of {@code make chaos}'s topics and group. */
  static final String PREFIX = "chaos";

  String requests() {
    return prefix + ".requests";
  }

  String results() {
    return prefix + ".results";
  }

  String failures() {
    return prefix + ".failures";
  }

  String state() {
    return prefix + ".state";
  }

  String callbacks() {
    return prefix + ".callbacks";
  }

  String usage() {
    return prefix + ".usage";
  }

  String group() {
    return prefix + "-workers";
  }

  /**
   * The worker settings of chaos runs: a killed member leaves the group within 6 s, a killed
   * worker's open transaction blocks readers at most 5 s, and back-offs short enough that a run
   * recovers from each fault in seconds.
   */
  static Map<String, String> defaultWorkerEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
    env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
    env.put("TRANSACTION_TIMEOUT", "5s");
    env.put("MAX_PENDING_TASKS", "100");
    env.put("TASK_EXPECTED_DURATION", "1s");
    env.put("POLL_MIN_INTERVAL", "250ms");
    env.put("POLL_MAX_INTERVAL", "3s");
    env.put("NIMBLE_BACKOFF_INITIAL", "200ms");
    env.put("NIMBLE_BACKOFF_MAX", "5s");
    env.put("CIRCUIT_OPEN_WAIT", "3s");
    env.put("ACCESS_RECHECK_INTERVAL", "3s");
    env.put("SHUTDOWN_GRACE_PERIOD", "10s");
    env.put("LOG_FORMAT", "json");
    return env;
  }
}
