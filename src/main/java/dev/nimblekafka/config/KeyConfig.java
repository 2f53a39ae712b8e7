package dev.nimblekafka.config;

/**
 * The Nimble key as every pod on it shares it (its calls per second are {@code NIMBLE_QPS}).
 *
 * @param planTasks the plan's concurrent tasks ({@code NIMBLE_PLAN_TASKS}), for the whole fleet
 * @param queueAheadPercent tasks kept waiting at Nimble beyond the plan, in percent of it ({@code
 *     NIMBLE_QUEUE_AHEAD_PERCENT}), so a slot Nimble frees is taken at once
 * @param listLimit tasks one bulk read of the account's latest tasks asks for ({@code
 *     POLL_LIST_LIMIT}); 0 turns such reads off
 */
public record KeyConfig(int planTasks, int queueAheadPercent, int listLimit) {

  /** The tasks the whole fleet keeps at Nimble at most: the plan's, plus those queued ahead. */
  public int fleetTasks() {
    return (int) Math.ceil(planTasks * (100 + queueAheadPercent) / 100.0);
  }
}
