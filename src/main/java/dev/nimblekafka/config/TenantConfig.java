package dev.nimblekafka.config;

import java.time.Duration;
import java.util.Map;

/**
 * How requests of several tenants share the key.
 *
 * @param header the record header a request names its tenant in when its body does not
 * @param weights each named tenant's weight (every other tenant weighs 1)
 * @param maxTasks the tasks a named tenant may keep at Nimble at once, across the fleet
 * @param aging how long a request may wait behind requests of a higher priority before it counts as
 *     one class higher (so a waiting low request is never starved for ever)
 * @param dailyTasks the tasks a named tenant may have created per UTC day, across the fleet
 * @param overBudget what becomes of a tenant's requests once its daily budget is spent
 */
public record TenantConfig(
    String header,
    Map<String, Integer> weights,
    Map<String, Integer> maxTasks,
    Duration aging,
    Map<String, Integer> dailyTasks,
    OverBudget overBudget) {

  /** What a tenant past its daily budget gets ({@code TENANT_OVER_BUDGET}). */
  public enum OverBudget {
    /** Its requests wait until the budget refills, the next UTC day. */
    WAIT,
    /** Its requests that would need a new task fail with {@code BUDGET_EXCEEDED}. */
    FAIL
  }

  public TenantConfig {
    weights = Map.copyOf(weights);
    maxTasks = Map.copyOf(maxTasks);
    dailyTasks = Map.copyOf(dailyTasks);
  }

  /** Weights, limits and aging as given; no daily budgets. */
  public TenantConfig(
      String header, Map<String, Integer> weights, Map<String, Integer> maxTasks, Duration aging) {
    this(header, weights, maxTasks, aging, Map.of(), OverBudget.WAIT);
  }

  /** One tenant, every weight 1, no limits, priorities aging by the minute. */
  public static TenantConfig defaults() {
    return new TenantConfig("tenant", Map.of(), Map.of(), Duration.ofMinutes(1));
  }

  /** The same settings with these daily budgets. */
  public TenantConfig withDailyTasks(Map<String, Integer> budgets, OverBudget over) {
    return new TenantConfig(header, weights, maxTasks, aging, budgets, over);
  }

  public int weight(String tenant) {
    return weights.getOrDefault(tenant, 1);
  }
}
