package dev.nimblekafka.nimble;

import java.time.Duration;

/**
 * How calls to Nimble are protected.
 *
 * @param callsPerSecond the per-key rate (Nimble documents 83 QPS for extract)
 * @param maxAttempts tries per submission or results fetch, for retriable errors
 * @param backoffInitial first wait between tries
 * @param backoffMax longest wait between tries, and longest a retry-after hint is honoured for
 * @param breakerFailureRate percentage of failed calls that opens the circuit
 * @param breakerWindow number of recent calls the rate is computed over
 * @param breakerOpenWait how long the circuit stays open before it lets a few calls through
 */
public record ResilienceSettings(
    int callsPerSecond,
    int maxAttempts,
    Duration backoffInitial,
    Duration backoffMax,
    int breakerFailureRate,
    int breakerWindow,
    Duration breakerOpenWait) {

  public static ResilienceSettings defaults() {
    return new ResilienceSettings(
        83, 4, Duration.ofMillis(500), Duration.ofSeconds(30), 50, 20, Duration.ofSeconds(10));
  }
}
