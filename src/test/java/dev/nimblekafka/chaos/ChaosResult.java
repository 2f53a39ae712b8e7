package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a run found.
 *
 * @param allOutcomesAt when the last request got its first outcome, null if some never did
 * @param leftoverState request ids whose last state record is not a tombstone after the workers
 *     stopped, with the task id it names
 * @param uncommitted requests-topic partitions whose committed offset is short of the end, with the
 *     gap
 * @param notProduced requests the broker never acknowledged (not the workers' fault; the run is
 *     void)
 * @param exitCodes each worker's exit code after the final SIGTERM (0: drained)
 * @param simTasks every task the simulator held at the end, as {@code GET /v1/tasks} lists them
 * @param placements where each request landed in the requests topic
 * @param findings broken guarantees found beyond the outcome checks (a scenario's own, unplanned
 *     worker deaths, tasks paid twice); empty for the default suite, which only reports those
 * @param figures a scenario's own figures for the report, by name
 */
record ChaosResult(
    ChaosPlan plan,
    List<ChaosRequests.Request> requests,
    Timeline timeline,
    Duration produced,
    Duration allOutcomesAt,
    Duration total,
    Verdict verdict,
    DuplicateAudit duplicates,
    JsonNode simStats,
    Map<String, String> leftoverState,
    Map<Integer, Long> uncommitted,
    Map<String, String> notProduced,
    List<Integer> exitCodes,
    List<String> workerLogs,
    List<JsonNode> simTasks,
    Map<String, RequestProducer.Placement> placements,
    List<String> findings,
    Map<String, String> figures) {

  boolean stalled() {
    return allOutcomesAt == null;
  }

  /** Every broken guarantee, one line each; empty when the run passed. */
  List<String> violations() {
    List<String> lines = new java.util.ArrayList<>(verdict.violations());
    if (stalled()) {
      lines.add(
          0, "stalled: not every request had an outcome within the settle time after the faults");
    }
    if (!leftoverState.isEmpty()) {
      lines.add(
          leftoverState.size()
              + " pending-task state record(s) left after every request had its outcome: "
              + Text.sample(
                  leftoverState.entrySet().stream()
                      .map(e -> e.getKey() + " -> " + e.getValue())
                      .toList(),
                  20));
    }
    lines.addAll(findings);
    if (!uncommitted.isEmpty()) {
      lines.add(
          "request offsets not committed to the end after the workers drained (a restart would"
              + " process them again), partition=gap: "
              + uncommitted);
    }
    return lines;
  }

  /** This result with a scenario's findings and figures. */
  ChaosResult judged(List<String> findings, Map<String, String> figures) {
    return new ChaosResult(
        plan,
        requests,
        timeline,
        produced,
        allOutcomesAt,
        total,
        verdict,
        duplicates,
        simStats,
        leftoverState,
        uncommitted,
        notProduced,
        exitCodes,
        workerLogs,
        simTasks,
        placements,
        List.copyOf(findings),
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(figures)));
  }

  boolean passed() {
    return notProduced.isEmpty() && violations().isEmpty();
  }
}
