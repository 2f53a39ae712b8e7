package dev.nimblekafka.sim;

import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of the simulator's counters, the same as {@code GET /sim/stats}. Counters count from
 * the start or the last reset; {@code *Now} values are current.
 *
 * @param calls API calls by endpoint ({@code "POST /v1/extract/async"}, {@code "GET
 *     /v1/tasks/{id}"}, ...) and by answered status ({@code "200"}, {@code "429"}, ...; {@code
 *     "dropped"} when the connection was closed without an answer)
 * @param tasksCreated tasks created by any endpoint (async, batch, sync)
 * @param tasksCompleted tasks that ended completed
 * @param tasksFailed tasks that ended failed
 * @param tasksExpired tasks that expired before they started
 * @param duplicateInputs created tasks whose input (ignoring {@code callback_url} and {@code
 *     storage_*}) equals an earlier task's
 * @param duplicateInputsLive those of {@code duplicateInputs} for which an earlier identical task
 *     had not failed: work charged twice
 * @param runningNow tasks running now
 * @param runningPeak most tasks running at once
 * @param queuedNow tasks waiting for a slot of the plan
 * @param callbacksSent callbacks answered with a 2xx
 * @param callbacksFailed callbacks that failed (error status, timeout, refused)
 * @param storageWrites result objects written to storage
 * @param tasksStored tasks held now (not yet expired)
 * @param completedByHost tasks that ended completed (what Nimble bills), by the host of the page
 *     they fetched (bench and chaos requests name their tenant in it: {@code
 *     https://<tenant>.example/...})
 * @param completedByDriver tasks that ended completed, by the driver their result names
 * @param slotUse how the plan's slots were used: busy slot-time, time tasks waited for a slot,
 *     makespan, and both per second
 * @param crawls crawls by outcome and their page tasks (which also count as tasks above)
 */
public record SimStats(
    Map<String, Map<String, Long>> calls,
    long tasksCreated,
    long tasksCompleted,
    long tasksFailed,
    long tasksExpired,
    long duplicateInputs,
    long duplicateInputsLive,
    int runningNow,
    int runningPeak,
    int queuedNow,
    long callbacksSent,
    long callbacksFailed,
    long storageWrites,
    long tasksStored,
    Map<String, Long> completedByHost,
    Map<String, Long> completedByDriver,
    SlotUse slotUse,
    Crawls crawls) {

  public SimStats {
    calls = Map.copyOf(calls);
    completedByHost = Map.copyOf(completedByHost);
    completedByDriver = Map.copyOf(completedByDriver);
    Objects.requireNonNull(slotUse, "slotUse");
    Objects.requireNonNull(crawls, "crawls");
  }

  /**
   * Crawl counters.
   *
   * @param created crawls created
   * @param succeeded crawls that ended succeeded
   * @param failed crawls that ended failed (their start page failed)
   * @param canceled crawls canceled before they ended
   * @param pagesCreated page tasks the crawls created
   * @param pagesCompleted page tasks that ended completed (billed)
   * @param pagesFailed page tasks that ran and failed, or expired before they ran
   * @param pagesCanceled queued page tasks dropped by a cancel (never run, never billed)
   */
  public record Crawls(
      long created,
      long succeeded,
      long failed,
      long canceled,
      long pagesCreated,
      long pagesCompleted,
      long pagesFailed,
      long pagesCanceled) {}

  /** Calls to {@code endpoint} (e.g. {@code "POST /v1/extract/async"}) answered {@code status}. */
  public long calls(String endpoint, int status) {
    return calls(endpoint, Integer.toString(status));
  }

  /** Calls to {@code endpoint} with {@code outcome}: a status or {@code "dropped"}. */
  public long calls(String endpoint, String outcome) {
    return calls.getOrDefault(endpoint, Map.of()).getOrDefault(outcome, 0L);
  }

  /** All calls to {@code endpoint}, whatever their outcome. */
  public long callsTo(String endpoint) {
    return calls.getOrDefault(endpoint, Map.of()).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /** Tasks completed on this host's pages. */
  public long completedOn(String host) {
    return completedByHost.getOrDefault(host, 0L);
  }

  /** All API calls. */
  public long totalCalls() {
    return calls.values().stream()
        .flatMap(m -> m.values().stream())
        .mapToLong(Long::longValue)
        .sum();
  }
}
