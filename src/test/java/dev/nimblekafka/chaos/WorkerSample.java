package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;

/**
 * What a worker's HTTP port said at one moment: the readiness body and the meters that bear on
 * submissions a crash could repeat. Values are -1 when the worker did not answer or does not export
 * the meter.
 *
 * @param inFlight {@code nimble_worker_tasks_in_flight}: tasks holding a slot at Nimble (being
 *     created, waiting or being checked); an upper bound of the submissions at risk
 * @param queued {@code nimble_worker_requests_queued}
 * @param atRisk {@code nimble_worker_submissions_at_risk} if the worker exports it (submissions in
 *     flight plus those recorded since the last commit), else -1
 * @param submitCalls finished create calls ({@code nimble_worker_nimble_calls_seconds_count} of
 *     operations {@code submit} and {@code batch})
 * @param orphaned {@code nimble_worker_submissions_orphaned_total}: tasks created for a partition
 *     the worker had lost by the time the answer came
 */
record WorkerSample(
    Duration at,
    boolean answered,
    int partitions,
    int inFlight,
    int queued,
    String paused,
    int atRisk,
    long submitCalls,
    long orphaned,
    long outcomes) {

  static final String AT_RISK_METRIC = "nimble_worker_submissions_at_risk";

  static WorkerSample none(Duration at) {
    return new WorkerSample(at, false, -1, -1, -1, null, -1, -1, -1, -1);
  }

  static WorkerSample of(Duration at, JsonNode health, Prometheus metrics) {
    return new WorkerSample(
        at,
        true,
        health == null ? -1 : health.path("partitions").asInt(-1),
        (int) metrics.sum("nimble_worker_tasks_in_flight").orElse(-1),
        (int) metrics.sum("nimble_worker_requests_queued").orElse(-1),
        health == null || health.path("paused").isNull() ? null : health.path("paused").asText(),
        (int) metrics.sum(AT_RISK_METRIC).orElse(-1),
        (long)
            (metrics
                    .sum("nimble_worker_nimble_calls_seconds_count", Map.of("operation", "submit"))
                    .orElse(0)
                + metrics
                    .sum("nimble_worker_nimble_calls_seconds_count", Map.of("operation", "batch"))
                    .orElse(0)),
        (long) metrics.sum("nimble_worker_submissions_orphaned_total").orElse(-1),
        (long) metrics.sum("nimble_worker_outcomes_total").orElse(0));
  }
}
